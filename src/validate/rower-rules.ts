// Rules of rower's own, beyond the API server's and the kubelet's: the ownership marker
// annotation is rower's to set. A pod declaring it with another value would be silently
// rewritten to "true" by the renderer; refuse it instead, so the file says what the user wrote.
import type { V1Pod } from "@kubernetes/client-node";
import { MANAGED_ANNOTATION, MANAGED_VALUE } from "../naming/manifest-naming.js";
import { forbidden, type FieldError } from "../errors/field-error.js";
import { FieldPath } from "../errors/field-path.js";
import { isMapping } from "../guards/is-mapping.js";

/** Never throws on malformed input: the schema layer reports wrong types. */
export function checkRowerRules(pod: V1Pod): FieldError[] {
  const metadata: unknown = (pod as unknown as Record<string, unknown>)?.metadata;
  if (!isMapping(metadata)) return [];
  const annotations = metadata.annotations;
  if (!isMapping(annotations) || !(MANAGED_ANNOTATION in annotations)) return [];
  if (annotations[MANAGED_ANNOTATION] === MANAGED_VALUE) return [];
  const path = FieldPath.root().child("metadata").child("annotations").key(MANAGED_ANNOTATION);
  return [forbidden(path, {
    rule: "rower.markerAnnotation",
    detail: `reserved for rower, which sets it to ${JSON.stringify(MANAGED_VALUE)} on the files it writes`,
  })];
}
