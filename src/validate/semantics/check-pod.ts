// Layer 2 of validation: the API server's pod validation (validation.go ValidatePodCreate),
// which the kubelet runs on every static pod after applying API defaults. Absent fields
// that defaulting fills (restartPolicy, dnsPolicy, protocol, imagePullPolicy, …) are fine;
// set-but-wrong values are errors. Never throws: what cannot be read is skipped, because
// the schema layer already reports wrong types.
// Three API-server checks are left to the static-pod rules, which refuse the same fields with
// the reason that holds for a static pod: ephemeralContainers ("cannot be set on create"),
// schedulingGates (the kubelet sets nodeName) and projected serviceAccountToken sources
// ("must not be specified when serviceAccountName is not set": a static pod has neither).
import type { V1Pod } from "@kubernetes/client-node";
import type { FieldError } from "../field-error.js";
import { FieldPath } from "../field-path.js";
import { checkAllContainers } from "./containers.js";
import { checkObjectMeta } from "./object-meta.js";
import { checkPodSpecFields } from "./pod-spec.js";
import { numberOf, recordOf, stringOf } from "./read-json.js";
import { checkVolumes } from "./volumes.js";

/** API defaulting's terminationGracePeriodSeconds. */
const DEFAULT_GRACE_PERIOD_SECONDS = 30;

export interface PodSemanticsOptions {
  /** The kubelet's node name: the static pod is renamed `<name>-<nodeName>`. */
  nodeName: string;
}

export function checkPodSemantics(pod: V1Pod, options: PodSemanticsOptions): FieldError[] {
  const root = recordOf(pod as unknown) ?? {};
  const errs = checkObjectMeta(root["metadata"], FieldPath.root("metadata"), options.nodeName);
  const specPath = FieldPath.root("spec");
  const spec = recordOf(root["spec"]);
  if (!spec) return [...errs, ...checkAllContainers({}, specPath, { volumeNames: new Set(), hostNetwork: false, gracePeriodSeconds: DEFAULT_GRACE_PERIOD_SECONDS, podRestartPolicy: "Always" })];
  const volumes = checkVolumes(spec["volumes"], specPath.child("volumes"));
  errs.push(...volumes.errors);
  errs.push(...checkAllContainers(spec, specPath, {
    volumeNames: volumes.names,
    hostNetwork: spec["hostNetwork"] === true,
    gracePeriodSeconds: numberOf(spec["terminationGracePeriodSeconds"]) ?? DEFAULT_GRACE_PERIOD_SECONDS,
    podRestartPolicy: stringOf(spec["restartPolicy"]) ?? "Always",
  }));
  errs.push(...checkPodSpecFields(spec, specPath));
  return errs;
}
