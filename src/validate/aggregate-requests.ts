// resourcehelper.AggregateContainerRequests: what the containers of a pod request together.
// Regular containers and sidecars (init containers with restartPolicy Always) run side by side
// and add up; an ordinary init container runs alone beside the sidecars started before it, so
// the pod needs the larger of the two.
import { arrayOf, recordOf, type JsonRecord } from "./semantics/read-json.js";
import { compareQuantities, parseResourceAmount, type Quantity } from "./quantity.js";

export type ResourceTotals = Map<string, Quantity>;

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const scale = Math.min(a.scale, b.scale);
  const lift = (q: Quantity): bigint => q.unscaled * 10n ** BigInt(q.scale - scale);
  return { unscaled: lift(a) + lift(b), scale };
}

function addInto(totals: ResourceTotals, requests: ResourceTotals): void {
  for (const [name, q] of requests) {
    const have = totals.get(name);
    totals.set(name, have ? addQuantities(have, q) : q);
  }
}

function maxInto(totals: ResourceTotals, requests: ResourceTotals): void {
  for (const [name, q] of requests) {
    const have = totals.get(name);
    if (!have || compareQuantities(q, have) > 0) totals.set(name, q);
  }
}

export function requestsOf(container: JsonRecord): ResourceTotals {
  const totals: ResourceTotals = new Map();
  for (const [name, raw] of Object.entries(recordOf(recordOf(container["resources"])?.["requests"]) ?? {})) {
    const q = parseResourceAmount(raw);
    if (q) totals.set(name, q);
  }
  return totals;
}

/** Containers' requests must already be defaulted from their limits. */
export function aggregateContainerRequests(spec: JsonRecord): ResourceTotals {
  const totals: ResourceTotals = new Map();
  for (const c of arrayOf(spec["containers"])) {
    const container = recordOf(c);
    if (container) addInto(totals, requestsOf(container));
  }
  const sidecars: ResourceTotals = new Map();
  const initPeak: ResourceTotals = new Map();
  for (const c of arrayOf(spec["initContainers"])) {
    const container = recordOf(c);
    if (!container) continue;
    const own = requestsOf(container);
    if (container["restartPolicy"] === "Always") {
      addInto(totals, own);
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const alone: ResourceTotals = new Map(own);
      addInto(alone, sidecars);
      maxInto(initPeak, alone);
    }
  }
  maxInto(totals, initPeak);
  return totals;
}
