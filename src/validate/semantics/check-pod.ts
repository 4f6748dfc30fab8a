// Layer 2 of validation: the API server's pod validation (validation.go ValidatePodCreate),
// which the kubelet runs on every static pod after its decoder applied the API defaults, so
// the checks here run on defaultPod's copy: an explicit "" protocol is TCP, not an error.
// Never throws: what cannot be read is skipped, because the schema layer already reports
// wrong types.
// One API-server check is left to the static-pod rules, which refuse the same field with the
// reason that holds for a static pod: projected serviceAccountToken sources ("must not be
// specified when serviceAccountName is not set": a static pod has neither).
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
import { checkPodAnnotations } from "./pod-annotations.js";
import { checkPodCreate } from "./pod-create.js";
import { checkSecurityAnnotationsMatchFields } from "./security-annotations.js";
import { defaultPod } from "../defaults/default-pod.js";

// API defaulting's values for the fields container checks read.
const DEFAULT_GRACE_PERIOD_SECONDS = 30;
const DEFAULT_RESTART_POLICY = "Always";

export interface PodSemanticsOptions {
  /** The kubelet's node name: the static pod is renamed `<name>-<nodeName>`. */
  nodeName: string;
}

export function checkPodSemantics(pod: V1Pod, options: PodSemanticsOptions): FieldError[] {
  // The kubelet validates the pod as its decoder defaulted it (defaults.go), never as written.
  const root = recordOf(defaultPod(pod)) ?? {};
  const metaErrors = checkObjectMeta(root["metadata"], FieldPath.root("metadata"), options.nodeName);
  // A spec of the wrong type is the schema layer's to report; a missing one is checked as
  // empty, since it still needs containers.
  if (isSet(root["spec"]) && !recordOf(root["spec"])) return metaErrors;
  const spec = recordOf(root["spec"]) ?? {};
  const specPath = FieldPath.root("spec");
  const podName = stringOf(recordOf(root["metadata"])?.["name"]) ?? "";
  const volumes = checkVolumes(spec["volumes"], podName, specPath.child("volumes"));
  // concat, not spreads (see checkPodSpecFields).
  return metaErrors.concat(
    checkPodAnnotations(root["metadata"], spec, FieldPath.root("metadata").child("annotations")),
    checkSecurityAnnotationsMatchFields(recordOf(root["metadata"])?.["annotations"], spec, specPath),
    volumes.errors,
    checkAllContainers(spec, specPath, readContainerContext(spec, volumes.sources)),
    checkPodSpecFields(spec, specPath),
    checkPodCreate(spec, specPath),
  );
}

/** The pod-level facts container checks depend on, with API defaults where absent. */
function readContainerContext(spec: JsonRecord, volumes: ReadonlyMap<string, string>): ContainerContext {
  const claimNames = arrayOf(spec["resourceClaims"]).map((c) => stringOf(recordOf(c)?.["name"]) ?? "");
  return {
    volumes,
    hostUsers: spec["hostUsers"] !== false,
    hostNetwork: spec["hostNetwork"] === true,
    gracePeriodSeconds: numberOf(spec["terminationGracePeriodSeconds"]) ?? DEFAULT_GRACE_PERIOD_SECONDS,
    podRestartPolicy: stringOf(spec["restartPolicy"]) ?? DEFAULT_RESTART_POLICY,
    podClaimNames: new Set(claimNames.filter((n) => n !== "")),
    osName: isSet(spec["os"]) ? stringOf(recordOf(spec["os"])?.["name"]) ?? "" : undefined,
  };
}
