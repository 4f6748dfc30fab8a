// The kubelet decodes a static pod through the API scheme, which runs the SetDefaults_*
// functions of pkg/apis/core/v1/defaults.go before ValidatePodCreate; validation depends on
// them (an explicit "" protocol is TCP, a probe's successThreshold 0 is 1, a volume without a
// source is an emptyDir). defaultPod applies the ones validation reads, on a copy.
import { recordOf, type JsonRecord } from "../semantics/read-json.js";
import { defaultContainer } from "./default-container.js";
import { defaultVolume } from "./default-volume.js";
import { isUnsetString, mapRecords, withChanges } from "./copy-on-write.js";
import { aggregateContainerRequests } from "../aggregate-requests.js";
import { formatQuantity } from "../format-quantity.js";
import { isPodLevelResource } from "../semantics/pod-resources.js";

const DEFAULT_GRACE_PERIOD_SECONDS = 30;

/** SetDefaults_PodSpec and SetDefaults_Pod; anything that is not a mapping is returned as is. */
function defaultSpec(spec: JsonRecord): JsonRecord {
  const changes: JsonRecord = {};
  if (isUnsetString(spec["dnsPolicy"])) changes["dnsPolicy"] = "ClusterFirst";
  if (isUnsetString(spec["restartPolicy"])) changes["restartPolicy"] = "Always";
  if (spec["terminationGracePeriodSeconds"] === undefined || spec["terminationGracePeriodSeconds"] === null) {
    changes["terminationGracePeriodSeconds"] = DEFAULT_GRACE_PERIOD_SECONDS;
  }
  let out = withChanges(spec, changes);
  const hostNetwork = out["hostNetwork"] === true;
  for (const list of ["containers", "initContainers"] as const) {
    const next = mapRecords(out[list], (c) => defaultContainer(c, hostNetwork));
    if (next !== out[list]) out = { ...out, [list]: next };
  }
  const volumes = mapRecords(out["volumes"], defaultVolume);
  if (volumes !== out["volumes"]) out = { ...out, volumes };
  return defaultPodResources(out);
}

/**
 * Pod-level resources (PodLevelResources, beta and on by default since 1.34, defaultPodRequests):
 * an unset pod request is what the containers request together, or else the pod's limit.
 */
function defaultPodResources(spec: JsonRecord): JsonRecord {
  const resources = recordOf(spec["resources"]);
  const limits = recordOf(resources?.["limits"]);
  if (!resources || !limits) return spec;
  const requests = recordOf(resources["requests"]) ?? {};
  const aggregate = aggregateContainerRequests(spec);
  const filled: JsonRecord = { ...requests };
  let changed = false;
  for (const [name, q] of aggregate) {
    if (!(name in filled) && isPodLevelResource(name)) { filled[name] = formatQuantity(q); changed = true; }
  }
  for (const name of Object.keys(limits)) {
    if (!(name in filled) && isPodLevelResource(name)) { filled[name] = limits[name]; changed = true; }
  }
  return changed ? { ...spec, resources: { ...resources, requests: filled } } : spec;
}

export function defaultPod(pod: unknown): unknown {
  const root = recordOf(pod);
  const spec = recordOf(root?.["spec"]);
  if (!root || !spec) return pod;
  const next = defaultSpec(spec);
  return next === spec ? root : { ...root, spec: next };
}
