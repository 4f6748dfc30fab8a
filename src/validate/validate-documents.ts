// documents → every error, or the valid pods. Every layer runs on every pod document
// (schema, the API server's pod rules, the kubelet's static-pod rules, rower's own), so one
// run reports everything; then the set is checked as a whole (names and file names unique).
import type { V1Pod } from "@kubernetes/client-node";
import type { Document } from "../decode/document.js";
import { manifestFileName } from "../naming/manifest-naming.js";
import { compareErrors } from "../errors/compare-errors.js";
import { describeOrigin } from "../errors/describe-origin.js";
import type { FieldError, LocatedError, Origin } from "../errors/field-error.js";
import { checkSchema } from "./schema/check-schema.js";
import { checkRowerRules } from "./rower-rules.js";
import { checkPodSemantics } from "./semantics/check-pod.js";
import { checkStaticPodRules } from "./static-pod/check-static-pod.js";
import type { DocumentResult, ValidationResult } from "./validation-result.js";
import { isMapping } from "../guards/is-mapping.js";

export interface ValidateOptions {
  /** The kubelet names a static pod's mirror `<name>-<node name>`, which must fit 253 characters. */
  nodeName: string;
  /** A local admission policy (`--policy`), run on every pod after the other layers. */
  admit?: (pod: unknown) => FieldError[];
}

/** `value[key]`, or `value[key][child]`, when a string. */
function readString(value: unknown, key: string, child?: string): string | undefined {
  let at = isMapping(value) ? value[key] : undefined;
  if (child !== undefined) at = isMapping(at) ? at[child] : undefined;
  return typeof at === "string" ? at : undefined;
}

/** False when apiVersion or kind names something other than a v1 Pod (a missing one is only Required). */
function isPodTypeMeta(value: unknown): boolean {
  const isUnset = (v: unknown) => v === undefined || v === null || v === "";
  if (!isMapping(value)) return true;
  const { apiVersion, kind } = value;
  return (isUnset(apiVersion) || apiVersion === "v1") && (isUnset(kind) || kind === "Pod");
}

/** Two layers may flag the same thing (a missing name is both schema-required and semantic). */
function dropRepeats(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.field}\u0000${e.type}\u0000${JSON.stringify(e.value) ?? ""}\u0000${e.detail ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The origin plus the pod's name, keys in the same order as a spread would give them. */
function withPod(origin: Origin, pod: string): Origin {
  const { source, document, item, line } = origin;
  if (item === undefined) return line === undefined ? { source, document, pod } : { source, document, line, pod };
  return line === undefined ? { source, document, item, pod } : { source, document, item, line, pod };
}

function locate(error: FieldError, origin: Origin, doc: Document): LocatedError {
  const line = doc.lineOf?.(error.field);
  return line === undefined ? { ...error, origin } : { ...error, origin, line };
}

function validateDocument(doc: Document, options: ValidateOptions): DocumentResult {
  const value = doc.value;
  const kind = readString(value, "kind");
  const name = readString(value, "metadata", "name");
  const namespace = readString(value, "metadata", "namespace");
  const pod = value as V1Pod;
  // Another kind (a Service, a nested List) gets only the schema's apiVersion/kind error:
  // pod rules on it would bury that under errors that mean nothing for it.
  const found = checkSchema(value);
  if (isPodTypeMeta(value)) {
    const layers = [checkPodSemantics(pod, { nodeName: options.nodeName }), checkStaticPodRules(pod), checkRowerRules(pod), options.admit?.(value) ?? []];
    for (const errors of layers) if (errors.length > 0) found.push(...errors);
  }
  // A valid pod, the common case, has nothing to deduplicate or sort.
  const errors = found.length === 0 ? found : dropRepeats(found).sort(compareErrors);
  const origin = name === undefined ? doc.origin : withPod(doc.origin, name);
  return {
    origin,
    ...(kind === undefined ? {} : { kind }),
    ...(name === undefined ? {} : { name }),
    ...(namespace === undefined ? {} : { namespace }),
    errors: errors.map((e) => locate(e, origin, doc)),
  };
}

/** The set-level rules: (namespace, name) unique, and so the file each pod is written to. */
function checkSet(results: DocumentResult[], documents: readonly Document[]): void {
  const byPod = new Map<string, Origin>();
  const byFile = new Map<string, Origin>();
  results.forEach((result, i) => {
    if (result.name === undefined) return;
    // The line index is built on first use: look the line up only for an error.
    const at = (e: FieldError): LocatedError => {
      const line = documents[i]?.lineOf?.("metadata.name");
      return line === undefined ? { ...e, origin: result.origin } : { ...e, origin: result.origin, line };
    };
    const namespace = result.namespace === undefined || result.namespace === "" ? "default" : result.namespace;
    const podKey = `${namespace}/${result.name}`;
    const earlier = byPod.get(podKey);
    if (earlier) {
      result.errors.push(at({
        field: "metadata.name", type: "Duplicate value", value: result.name, rule: "set.pod.duplicate",
        detail: `pod ${JSON.stringify(podKey)} is declared at ${describeOrigin(earlier)} and again at ${describeOrigin(result.origin)}`,
      }));
      return;
    }
    byPod.set(podKey, result.origin);
    const file = manifestFileName(result.name, result.namespace);
    const sameFile = byFile.get(file);
    if (sameFile) {
      result.errors.push(at({
        field: "metadata.name", type: "Duplicate value", value: result.name, rule: "set.file.duplicate",
        detail: `manifest file ${JSON.stringify(file)} is also the file of the pod at ${describeOrigin(sameFile)}`,
      }));
      return;
    }
    byFile.set(file, result.origin);
  });
}

export function validateDocuments(documents: Document[], options: ValidateOptions): ValidationResult {
  const results = documents.map((doc) => validateDocument(doc, options));
  checkSet(results, documents);
  const valid = results.every((r) => r.errors.length === 0);
  return {
    valid,
    documents: results,
    pods: valid ? documents.map((doc, i) => ({ origin: results[i]?.origin ?? doc.origin, pod: doc.value as V1Pod })) : [],
  };
}
