// Downward API selectors shared by env valueFrom and downwardAPI volumes
// (validation.go validateObjectFieldSelector, validateContainerResourceFieldSelector).
import type { FieldError } from "../field-error.js";
import { invalid, required, unsupported } from "../field-error.js";
import type { FieldPath } from "../field-path.js";
import { checkQualifiedName } from "./name-formats.js";
import { recordOf, stringOf } from "./read-json.js";

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

/** `metadata.labels['key']` / `metadata.annotations['key']`. */
const subscripted = /^metadata\.(labels|annotations)\['(.*)'\]$/;

export function checkFieldRef(value: unknown, path: FieldPath, allowed: readonly string[]): FieldError[] {
  const ref = recordOf(value);
  if (!ref) return [];
  const fieldPath = stringOf(ref["fieldPath"]);
  if (fieldPath === undefined || fieldPath === "") return [required(path.child("fieldPath"), { rule: "downwardAPI.fieldPath.required" })];
  // apiVersion defaults to v1; any other version has no field labels to convert.
  const apiVersion = stringOf(ref["apiVersion"]);
  if (apiVersion !== undefined && apiVersion !== "" && apiVersion !== "v1") {
    return [invalid(path.child("apiVersion"), apiVersion, { rule: "downwardAPI.apiVersion", detail: "only `v1` is supported" })];
  }
  const sub = subscripted.exec(fieldPath);
  if (sub) {
    const key = sub[2] ?? "";
    const msgs = checkQualifiedName(sub[1] === "annotations" ? key.toLowerCase() : key);
    return msgs.map((msg) => invalid(path.child("fieldPath"), fieldPath, { rule: "downwardAPI.fieldPath.key", detail: msg }));
  }
  if (!allowed.includes(fieldPath)) {
    return [unsupported(path.child("fieldPath"), fieldPath, allowed, { rule: "downwardAPI.fieldPath.unsupported" })];
  }
  return [];
}

export function checkResourceFieldRef(value: unknown, path: FieldPath, needsContainerName: boolean): FieldError[] {
  const ref = recordOf(value);
  if (!ref) return [];
  const errs: FieldError[] = [];
  const container = stringOf(ref["containerName"]);
  if (needsContainerName && (container === undefined || container === "")) {
    errs.push(required(path.child("containerName"), { rule: "downwardAPI.containerName.required" }));
  }
  const resource = stringOf(ref["resource"]);
  if (resource === undefined || resource === "") {
    errs.push(required(path.child("resource"), { rule: "downwardAPI.resource.required" }));
  } else if (!(RESOURCE_FIELDS as readonly string[]).includes(resource) && !/^(limits|requests)\.hugepages-/.test(resource)) {
    errs.push(unsupported(path.child("resource"), resource, RESOURCE_FIELDS, { rule: "downwardAPI.resource.unsupported" }));
  }
  return errs;
}
