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
import type { FieldError } from "../../errors/field-error.js";
import { FieldPath } from "../../errors/field-path.js";
import type { ContainerContext } from "./containers.js";
import { checkAllContainers } from "./containers.js";
import { checkObjectMeta } from "./object-meta.js";
import { checkPodSpecFields } from "./pod-spec.js";
import { arrayOf, isSet, numberOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { checkVolumes } from "./volumes.js";

// API defaulting's values for the fields container checks read.
const DEFAULT_GRACE_PERIOD_SECONDS = 30;
const DEFAULT_RESTART_POLICY = "Always";

export interface PodSemanticsOptions {
  /** The kubelet's node name: the static pod is renamed `<name>-<nodeName>`. */
  nodeName: string;
}

export function checkPodSemantics(pod: V1Pod, options: PodSemanticsOptions): FieldError[] {
  const root = recordOf(pod as unknown) ?? {};
  const metaErrors = checkObjectMeta(root["metadata"], FieldPath.root("metadata"), options.nodeName);
  // A spec of the wrong type is the schema layer's to report; a missing one is checked as
  // empty, since it still needs containers.
  if (isSet(root["spec"]) && !recordOf(root["spec"])) return metaErrors;
  const spec = recordOf(root["spec"]) ?? {};
  const specPath = FieldPath.root("spec");
  const volumes = checkVolumes(spec["volumes"], specPath.child("volumes"));
  return [
    ...metaErrors,
    ...volumes.errors,
    ...checkAllContainers(spec, specPath, readContainerContext(spec, volumes.names)),
    ...checkPodSpecFields(spec, specPath),
  ];
}

/** The pod-level facts container checks depend on, with API defaults where absent. */
function readContainerContext(spec: JsonRecord, volumeNames: ReadonlySet<string>): ContainerContext {
  const claimNames = arrayOf(spec["resourceClaims"]).map((c) => stringOf(recordOf(c)?.["name"]) ?? "");
  return {
    volumeNames,
    hostNetwork: spec["hostNetwork"] === true,
    gracePeriodSeconds: numberOf(spec["terminationGracePeriodSeconds"]) ?? DEFAULT_GRACE_PERIOD_SECONDS,
    podRestartPolicy: stringOf(spec["restartPolicy"]) ?? DEFAULT_RESTART_POLICY,
    podClaimNames: new Set(claimNames.filter((n) => n !== "")),
  };
}
