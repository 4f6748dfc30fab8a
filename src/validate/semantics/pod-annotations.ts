// Annotations with a meaning for pods (validation.go ValidatePodSpecificAnnotations): the
// scheduler's tolerations annotation, plus the seccomp and AppArmor ones (security-annotations.ts).
// The mirror-pod annotation needs spec.nodeName, which the kubelet always sets.
import type { FieldError } from "../../errors/field-error.js";
import { invalid } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { checkSecurityAnnotations } from "./security-annotations.js";
import { checkTolerations } from "./tolerations.js";

const TOLERATIONS_ANNOTATION = "scheduler.alpha.kubernetes.io/tolerations";

export function checkPodAnnotations(metadata: unknown, spec: JsonRecord, path: FieldPath): FieldError[] {
  const annotations = recordOf(recordOf(metadata)?.["annotations"]);
  if (!annotations) return [];
  const errs = checkSecurityAnnotations(annotations, spec, path);
  const tolerations = stringOf(annotations[TOLERATIONS_ANNOTATION]);
  if (tolerations) errs.push(...checkTolerationsAnnotation(tolerations, path));
  return errs;
}

/** helper.GetTolerationsFromPodAnnotations: a JSON list of tolerations, each validated like spec.tolerations. */
function checkTolerationsAnnotation(text: string, path: FieldPath): FieldError[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return [invalid(path, TOLERATIONS_ANNOTATION, { rule: "metadata.annotations.tolerations.json", detail: err.message })];
  }
  if (!Array.isArray(parsed)) {
    return [invalid(path, TOLERATIONS_ANNOTATION, { rule: "metadata.annotations.tolerations.json", detail: "json: cannot unmarshal into Go value of type []core.Toleration" })];
  }
  return checkTolerations(parsed, path.child(TOLERATIONS_ANNOTATION));
}
