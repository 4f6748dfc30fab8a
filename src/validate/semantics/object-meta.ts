// ObjectMeta checks (apimachinery ValidateObjectMeta, ValidateLabels, ValidateAnnotations),
// plus the kubelet's static-pod naming: it renames the pod `<name>-<nodeName>` before
// validating, so the name must still fit a DNS-1123 subdomain with that suffix.
import type { FieldError } from "../../errors/field-error.js";
import { invalid, required, tooLong } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import {
  checkDns1123Label, checkDns1123Subdomain, checkLabelValue, checkQualifiedName,
  DNS1123_SUBDOMAIN_MAX, maxLenMessage,
} from "./name-formats.js";
import { checkManagedFields } from "./managed-fields.js";
import { arrayOf, isSet, numberOf, recordOf, stringOf } from "./read-json.js";

/** apimachinery TotalAnnotationSizeLimitB. */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

/** Read by ReplicaSets when scaling down; the API server insists it parses as an int32. */
const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

/** helper.GetDeletionCostFromPodAnnotations: no "+" and no leading zeros, then strconv.ParseInt(s, 10, 32). */
function isInt32Text(text: string): boolean {
  if (!/^(-?[0-9]+)$/.test(text) || /^0./.test(text)) return false;
  const n = BigInt(text);
  return n >= -(2n ** 31n) && n < 2n ** 31n;
}

export function checkObjectMeta(metadata: unknown, path: FieldPath, nodeName: string): FieldError[] {
  const meta = recordOf(metadata);
  // No metadata at all means no name; metadata of the wrong type is the schema layer's to report.
  if (!meta) return isSet(metadata) ? [] : [required(path.child("name"), { rule: "metadata.name.required" })];
  const errs: FieldError[] = [];
  errs.push(...checkPodName(meta["name"], path.child("name"), nodeName));
  const namespace = stringOf(meta["namespace"]);
  if (namespace) {
    for (const msg of checkDns1123Label(namespace)) {
      errs.push(invalid(path.child("namespace"), namespace, { rule: "metadata.namespace.format", detail: msg }));
    }
  }
  errs.push(...checkLabels(meta["labels"], path.child("labels"), "metadata.labels"));
  errs.push(...checkAnnotations(meta["annotations"], path.child("annotations")));
  errs.push(...checkGenerateName(meta["generateName"], path.child("generateName")));
  const generation = numberOf(meta["generation"]);
  if (generation !== undefined && generation < 0) errs.push(invalid(path.child("generation"), generation, { rule: "metadata.generation.negative", detail: "must be greater than or equal to 0" }));
  errs.push(...checkOwnerReferences(meta["ownerReferences"], path.child("ownerReferences")));
  errs.push(...checkFinalizers(meta["finalizers"], path.child("finalizers")));
  errs.push(...checkManagedFields(meta["managedFields"], path.child("managedFields")));
  return errs;
}

/** A generateName is a prefix: a trailing "-" is fine (NameIsDNSSubdomain with prefix). */
function checkGenerateName(value: unknown, path: FieldPath): FieldError[] {
  const prefix = stringOf(value);
  if (!prefix) return [];
  const masked = prefix.endsWith("-") ? `${prefix.slice(0, -1)}a` : prefix;
  return checkDns1123Subdomain(masked).map((msg) => invalid(path, prefix, { rule: "metadata.generateName.format", detail: msg }));
}

/** apimachinery validateOwnerReference; Go reports each on the list path, without the index. */
function checkOwnerReferences(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  for (const item of arrayOf(value)) {
    const ref = recordOf(item);
    if (!ref) continue;
    const apiVersion = stringOf(ref["apiVersion"]) ?? "";
    const version = apiVersion.includes("/") ? apiVersion.slice(apiVersion.indexOf("/") + 1) : apiVersion;
    if (version === "") errs.push(invalid(path.child("apiVersion"), apiVersion, { rule: "metadata.ownerReferences.apiVersion", detail: "version must not be empty" }));
    for (const field of ["kind", "name", "uid"] as const) {
      const text = stringOf(ref[field]) ?? "";
      if (text === "") errs.push(invalid(path.child(field), text, { rule: `metadata.ownerReferences.${field}`, detail: "must not be empty" }));
    }
    if (ref["controller"] === true) controllers.push(`${stringOf(ref["kind"]) ?? ""}/${stringOf(ref["name"]) ?? ""}`);
  }
  if (controllers.length > 1) {
    errs.push(invalid(path, value, { rule: "metadata.ownerReferences.controller", detail: `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(" and ")}` }));
  }
  return errs;
}

// helper.IsStandardFinalizerName: the one-segment names Kubernetes itself uses.
const STANDARD_FINALIZERS = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** apimachinery ValidateFinalizers (on the list path) and validation.go validateKubeFinalizerName (per index). */
function checkFinalizers(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = arrayOf(value);
  names.forEach((item, i) => {
    const name = stringOf(item);
    if (name === undefined) return;
    for (const msg of checkQualifiedName(name)) errs.push(invalid(path, name, { rule: "metadata.finalizers.format", detail: msg }));
    if (!name.includes("/") && !STANDARD_FINALIZERS.has(name)) {
      errs.push(invalid(path.index(i), name, { rule: "metadata.finalizers.standard", detail: "name is neither a standard finalizer name nor is it fully qualified" }));
    }
  });
  if (names.includes("orphan") && names.includes("foregroundDeletion")) {
    errs.push(invalid(path, names, { rule: "metadata.finalizers.conflict", detail: "finalizer orphan and foregroundDeletion cannot be both set" }));
  }
  return errs;
}

function checkPodName(value: unknown, path: FieldPath, nodeName: string): FieldError[] {
  const name = stringOf(value);
  if (name === undefined || name === "") {
    // A non-string name is the schema layer's to report; an empty one is ours.
    return value === undefined || value === null || name === "" ? [required(path, { rule: "metadata.name.required" })] : [];
  }
  const full = `${name}-${nodeName.toLowerCase()}`;
  // The kubelet validates the name it generates, `<name>-<node>`: a trailing "-" is fine there.
  const generatedIsName = checkDns1123Subdomain(full).every((msg) => msg === maxLenMessage(DNS1123_SUBDOMAIN_MAX));
  const errs = generatedIsName ? [] : checkDns1123Subdomain(name).map((msg) => invalid(path, name, { rule: "metadata.name.format", detail: msg }));
  if (errs.length === 0 && full.length > DNS1123_SUBDOMAIN_MAX) {
    errs.push(invalid(path, name, {
      rule: "metadata.name.tooLongForNode",
      detail: `${maxLenMessage(DNS1123_SUBDOMAIN_MAX)} once the kubelet appends "-" and the ${nodeName.length}-character node name (${full.length} in all; --node-name sets the node name)`,
    }));
  }
  return errs;
}

/** Label maps (metadata.labels, nodeSelector): qualified-name keys, label values. The API server reports both on the map's path. */
export function checkLabels(value: unknown, path: FieldPath, rulePrefix: string): FieldError[] {
  const errs: FieldError[] = [];
  const labels = recordOf(value);
  // Keys read in place: entries, their filter and each pair's destructuring all allocate
  // without an optimizing compiler, for every label of every pod.
  for (const key in labels) {
    const val = labels[key];
    if (typeof val !== "string") continue;
    for (const msg of checkQualifiedName(key)) errs.push(invalid(path, key, { rule: `${rulePrefix}.key`, detail: msg }));
    for (const msg of checkLabelValue(val)) errs.push(invalid(path, val, { rule: `${rulePrefix}.value`, detail: msg }));
  }
  return errs;
}

function checkAnnotations(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  const annotations = recordOf(value);
  for (const key in annotations) {
    const val = annotations[key];
    if (typeof val !== "string") continue;
    // The API server checks annotation keys lowercased: case does not matter there.
    for (const msg of checkQualifiedName(key.toLowerCase())) {
      errs.push(invalid(path, key, { rule: "metadata.annotations.key", detail: msg }));
    }
    size += Buffer.byteLength(key, "utf8") + Buffer.byteLength(val, "utf8");
  }
  const cost = stringOf(recordOf(value)?.[POD_DELETION_COST]);
  if (cost !== undefined && !isInt32Text(cost)) {
    errs.push(invalid(path.key(POD_DELETION_COST), cost, { rule: "metadata.annotations.podDeletionCost", detail: "must be a 32bit integer" }));
  }
  if (size > ANNOTATIONS_SIZE_LIMIT) errs.push(tooLong(path, ANNOTATIONS_SIZE_LIMIT, { rule: "metadata.annotations.tooLong" }));
  return errs;
}
