// The rules ValidatePodCreate adds to validatePodMetadataAndSpec: ephemeral containers come
// only through the API's subresource, and the kubelet sets spec.nodeName on every static pod,
// which may not be set while scheduling gates remain (validateSchedulingGates checks their names).
import type { FieldError } from "../../errors/field-error.js";
import { duplicate, forbidden, invalid } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkQualifiedName } from "./name-formats.js";
import { arrayOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";

export function checkPodCreate(spec: JsonRecord, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (arrayOf(spec["ephemeralContainers"]).length > 0) {
    errs.push(forbidden(specPath.child("ephemeralContainers"), { rule: "pod.create.ephemeralContainers", detail: "cannot be set on create" }));
  }
  const gates = arrayOf(spec["schedulingGates"]);
  const seen = new Set<string>();
  gates.forEach((g, i) => {
    const name = stringOf(recordOf(g)?.["name"]);
    if (name === undefined) return;
    for (const msg of checkQualifiedName(name)) errs.push(invalid(specPath.child("schedulingGates").index(i), name, { rule: "spec.schedulingGates.format", detail: msg }));
    if (seen.has(name)) errs.push(duplicate(specPath.child("schedulingGates").index(i), name, { rule: "spec.schedulingGates.duplicate" }));
    seen.add(name);
  });
  if (gates.length > 0) {
    errs.push(forbidden(specPath.child("nodeName"), { rule: "pod.create.schedulingGates", detail: "cannot be set until all schedulingGates have been cleared" }));
  }
  return errs;
}
