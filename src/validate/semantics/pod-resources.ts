// spec.resources, pod-level resources (validation.go validatePodResources,
// validatePodResourceConsistency; PodLevelResources is beta and on by default since 1.34),
// and spec.overhead (validateOverhead), which is checked like a container's limits.
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { aggregateContainerRequests } from "../aggregate-requests.js";
import { formatQuantity } from "../format-quantity.js";
import { compareQuantities, parseResourceAmount } from "../quantity.js";
import { arrayOf, isSet, recordOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { checkResources } from "./resources.js";

const POD_LEVEL_RESOURCES = ["cpu", "memory", "pids"] as const;

/** resourcehelper.IsSupportedPodLevelResource: cpu, memory, pids (1.36) and hugepages. */
export const isPodLevelResource = (name: string): boolean =>
  (POD_LEVEL_RESOURCES as readonly string[]).includes(name) || name.startsWith("hugepages-");

export function checkPodResources(spec: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const overhead = recordOf(spec["overhead"]);
  if (overhead) errs.push(...checkResources({ limits: overhead }, new Set(), path.child("overhead"), { containerNames: true }));
  const resources = recordOf(spec["resources"]);
  if (!resources) return errs;
  const at = path.child("resources");
  if (isSet(resources["claims"])) errs.push(forbidden(at.child("claims"), { rule: "spec.resources.claims", detail: "claims cannot be set for Resources at pod-level" }));
  errs.push(...checkResources({ limits: resources["limits"], requests: resources["requests"] }, new Set(), at, { containerNames: false }));
  for (const part of ["limits", "requests"] as const) {
    for (const name of Object.keys(recordOf(resources[part]) ?? {})) {
      if (!isPodLevelResource(name) && !name.includes("/")) {
        errs.push(unsupported(at.child(part).key(name), name, POD_LEVEL_RESOURCES, { rule: "spec.resources.name.podLevel" }));
      }
    }
  }
  return [...errs, ...checkConsistency(spec, resources, at)];
}

/** Pod requests cover what the containers request together; no container may exceed a pod limit. */
function checkConsistency(spec: JsonRecord, resources: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const requests = recordOf(resources["requests"]) ?? {};
  for (const [name, total] of aggregateContainerRequests(spec)) {
    if (!isPodLevelResource(name)) continue;
    const pod = parseResourceAmount(requests[name]) ?? { unscaled: 0n, scale: 0 };
    if (compareQuantities(total, pod) > 0) {
      errs.push(invalid(path.child("requests").key(name), formatQuantity(pod), {
        rule: "spec.resources.requests.belowContainers", detail: `must be greater than or equal to aggregate container requests of ${formatQuantity(total)}`,
      }));
    }
  }
  const limits = recordOf(resources["limits"]) ?? {};
  arrayOf(spec["containers"]).forEach((c, i) => {
    for (const [name, raw] of Object.entries(recordOf(recordOf(recordOf(c)?.["resources"])?.["limits"]) ?? {})) {
      const container = parseResourceAmount(raw);
      const pod = parseResourceAmount(limits[name]);
      if (!container || !pod || compareQuantities(container, pod) <= 0) continue;
      // Go prints this path as spec.resources.containers[i][name].limits.
      errs.push(invalid(path.child("containers").index(i).key(name).child("limits"), formatQuantity(container), {
        rule: "spec.resources.limits.belowContainer", detail: `must be less than or equal to pod limits of ${formatQuantity(pod)}`,
      }));
    }
  });
  return errs;
}
