// Downward API selectors shared by env valueFrom and downwardAPI volumes
// (validation.go validateObjectFieldSelector, validateContainerResourceFieldSelector).
import type { FieldError } from "../../errors/field-error.js";
import { invalid, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkQualifiedName } from "./name-formats.js";
import { isBlank, recordOf, stringOf } from "./read-json.js";
import { checkResourceDivisor } from "./resource-divisor.js";

export const ENV_FIELD_PATHS = [
  "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
  "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
] as const;

export const VOLUME_FIELD_PATHS = [
  "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
] as const;

const RESOURCE_FIELDS = [
  "limits.cpu", "limits.ephemeral-storage", "limits.memory",
  "requests.cpu", "requests.ephemeral-storage", "requests.memory",
] as const;

// Field labels the v1 conversion knows (pods.ConvertDownwardAPIFieldLabel); a label outside
// this list fails conversion, one inside it but not offered where it is used is unsupported.
const CONVERTIBLE_FIELD_PATHS = new Set([
  "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
  "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName",
  "spec.terminationGracePeriodSeconds", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
]);

/** fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['k']` → ["metadata.labels", "k"]. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const inner = fieldPath.slice(0, -2);
  const at = inner.indexOf("['");
  if (at <= 0) return undefined;
  return [inner.slice(0, at), inner.slice(at + 2)];
}

export function checkFieldRef(value: unknown, path: FieldPath, allowed: readonly string[]): FieldError[] {
  const ref = recordOf(value);
  if (!ref) return [];
  if (isBlank(ref["fieldPath"])) return [required(path.child("fieldPath"), { rule: "downwardAPI.fieldPath.required" })];
  const fieldPath = stringOf(ref["fieldPath"]);
  if (fieldPath === undefined) return [];
  const converting = (why: string): FieldError[] =>
    [invalid(path.child("fieldPath"), fieldPath, { rule: "downwardAPI.fieldPath.conversion", detail: `error converting fieldPath: ${why}` })];
  // apiVersion defaults to v1, the only version with field labels.
  const apiVersion = stringOf(ref["apiVersion"]);
  if (apiVersion !== undefined && apiVersion !== "" && apiVersion !== "v1") return converting(`unsupported pod version: ${apiVersion}`);
  const split = splitSubscript(fieldPath);
  if (split) {
    const [base, subscript] = split;
    if (base !== "metadata.labels" && base !== "metadata.annotations") return converting(`field label does not support subscript: ${fieldPath}`);
    // Reported on the selector itself, with the subscript as the value; annotation keys are case-blind.
    const key = base === "metadata.annotations" ? subscript.toLowerCase() : subscript;
    return checkQualifiedName(key).map((msg) => invalid(path, key, { rule: "downwardAPI.fieldPath.key", detail: msg }));
  }
  // `spec.host` is the legacy spelling of spec.nodeName, still converted.
  const internal = fieldPath === "spec.host" ? "spec.nodeName" : fieldPath;
  if (!CONVERTIBLE_FIELD_PATHS.has(internal)) return converting(`field label not supported: ${fieldPath}`);
  if (!allowed.includes(internal)) return [unsupported(path.child("fieldPath"), internal, allowed, { rule: "downwardAPI.fieldPath.unsupported" })];
  return [];
}

export function checkResourceFieldRef(value: unknown, path: FieldPath, needsContainerName: boolean): FieldError[] {
  const ref = recordOf(value);
  if (!ref) return [];
  const errs: FieldError[] = [];
  const resource = stringOf(ref["resource"]);
  if (needsContainerName && isBlank(ref["containerName"])) {
    errs.push(required(path.child("containerName"), { rule: "downwardAPI.containerName.required" }));
  } else if (isBlank(ref["resource"])) {
    errs.push(required(path.child("resource"), { rule: "downwardAPI.resource.required" }));
  } else if (resource !== undefined && !(RESOURCE_FIELDS as readonly string[]).includes(resource) && !/^(limits|requests)\.hugepages-/.test(resource)) {
    errs.push(unsupported(path.child("resource"), resource, RESOURCE_FIELDS, { rule: "downwardAPI.resource.unsupported" }));
  }
  return [...errs, ...checkResourceDivisor(resource ?? "", ref["divisor"], path)];
}
