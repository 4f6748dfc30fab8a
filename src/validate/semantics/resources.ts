// Container resource requirements (validation.go ValidateContainerResourceRequirements,
// validateContainerResourceName, ValidateResourceQuantityValue). Quantity syntax itself is
// the schema layer's (the API server fails the decode): an unparsable amount is skipped here.
import type { FieldError } from "../../errors/field-error.js";
import { duplicate, forbidden, invalid, notFound, required } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import type { Quantity } from "../quantity.js";
import { compareQuantities, integerValueOf, parseQuantity, parseResourceAmount, signOfQuantity } from "../quantity.js";
import { checkQualifiedName } from "./name-formats.js";
import { arrayOf, recordOf, stringOf } from "./read-json.js";

const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);
// helper.IsStandardResourceName: the container ones plus quota-only names.
const STANDARD_RESOURCES = new Set([
  ...STANDARD_CONTAINER_RESOURCES, "pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
  "configmaps", "persistentvolumeclaims", "storage", "services.nodeports", "services.loadbalancers", "pids",
]);

const isHugePages = (name: string): boolean => name.startsWith("hugepages-");
/** Names without a domain, or in *kubernetes.io, belong to Kubernetes itself. */
const isNative = (name: string): boolean => !name.includes("/") || name.includes("kubernetes.io/");
/** cpu, memory and the like may be requested below their limit; devices and hugepages may not. */
const isOvercommitAllowed = (name: string): boolean => isNative(name) && !isHugePages(name);

interface Amount { name: string; quantity: Quantity; text: string }

export interface ResourceNameOptions {
  /** validateContainerResourceName (true) or validateResourceName, for pod-level resources (false). */
  containerNames: boolean;
}

export function checkResources(value: unknown, podClaimNames: ReadonlySet<string>, path: FieldPath, options: ResourceNameOptions = { containerNames: true }): FieldError[] {
  const resources = recordOf(value);
  if (!resources) return [];
  const errs = checkClaimReferences(resources["claims"], podClaimNames, path.child("claims"));
  const limitsPath = path.child("limits");
  const requestsPath = path.child("requests");
  const limits = readAmounts(resources["limits"], limitsPath, errs, options);
  const requests = readAmounts(resources["requests"], requestsPath, errs, options);
  const limitByName = new Map(limits.map((l) => [l.name, l]));
  for (const request of requests) {
    const limit = limitByName.get(request.name);
    if (limit) {
      const order = compareQuantities(request.quantity, limit.quantity);
      if (order !== 0 && !isOvercommitAllowed(request.name)) {
        errs.push(invalid(requestsPath, request.text, { rule: "container.resources.request.notEqualLimit", detail: `must be equal to ${request.name} limit of ${limit.text}` }));
      } else if (order > 0) {
        errs.push(invalid(requestsPath, request.text, { rule: "container.resources.request.aboveLimit", detail: `must be less than or equal to ${request.name} limit of ${limit.text}` }));
      }
    } else if (!isOvercommitAllowed(request.name)) {
      errs.push(required(limitsPath, { rule: "container.resources.limit.required", detail: "Limit must be set for non overcommitable resources" }));
    }
  }
  const all = [...limits, ...requests];
  if (all.some((a) => isHugePages(a.name)) && !all.some((a) => a.name === "cpu" || a.name === "memory")) {
    errs.push(forbidden(path, { rule: "container.resources.hugePages.needsCpuOrMemory", detail: "HugePages require cpu or memory" }));
  }
  return errs;
}

/** A container's claims name entries of spec.resourceClaims (validation.go validateResourceClaimNames). */
function checkClaimReferences(value: unknown, podClaimNames: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arrayOf(value).forEach((item, i) => {
    const name = stringOf(recordOf(item)?.["name"]);
    if (name === undefined) return;
    if (name === "") {
      errs.push(required(path.index(i), { rule: "container.resources.claim.required" }));
      return;
    }
    if (seen.has(name)) errs.push(duplicate(path.index(i), name, { rule: "container.resources.claim.duplicate" }));
    seen.add(name);
    if (!podClaimNames.has(name)) {
      const known = [...podClaimNames].sort();
      const detail = `must be one of the names in pod.spec.resourceClaims${known.length === 0 ? " which is empty" : `: ${known.join(", ")}`}`;
      errs.push(notFound(path.index(i), name, { rule: "container.resources.claim.notFound", detail }));
    }
  });
  return errs;
}

/** Checks names and amounts of one map, returning the amounts that could be read. */
function readAmounts(value: unknown, path: FieldPath, errs: FieldError[], options: ResourceNameOptions): Amount[] {
  const map = recordOf(value);
  if (!map) return [];
  const amounts: Amount[] = [];
  for (const [name, raw] of Object.entries(map)) {
    const at = path.key(name);
    errs.push(...checkResourceName(name, at, options));
    const quantity = parseResourceAmount(raw);
    if (!quantity) continue;
    const text = typeof raw === "string" ? raw.trim() : String(raw);
    if (signOfQuantity(quantity) < 0) {
      errs.push(invalid(at, text, { rule: "container.resources.negative", detail: "must be greater than or equal to 0" }));
    }
    if (!isNative(name) && !isWhole(quantity)) {
      errs.push(invalid(at, text, { rule: "container.resources.notInteger", detail: "must be an integer" }));
    }
    if (isHugePages(name) && !isHugePageMultiple(name, quantity)) {
      errs.push(invalid(at, text, { rule: "container.resources.hugePages.multiple", detail: `${text} is not positive integer multiple of ${name}` }));
    }
    amounts.push({ name, quantity, text });
  }
  return amounts;
}

/** helper.IsHugePageResourceValueDivisible: a whole number of pages of the size the name gives. */
function isHugePageMultiple(name: string, q: Quantity): boolean {
  const page = parseQuantity(name.slice("hugepages-".length));
  if (!page || signOfQuantity(page) <= 0 || !isWhole(page)) return false;
  return integerValueOf(q) % integerValueOf(page) === 0n;
}

function isWhole(q: Quantity): boolean {
  if (q.scale >= 0) return true;
  return q.unscaled % 10n ** BigInt(-q.scale) === 0n;
}

function checkResourceName(name: string, path: FieldPath, options: ResourceNameOptions): FieldError[] {
  const qualified = checkQualifiedName(name);
  if (qualified.length > 0) return qualified.map((msg) => invalid(path, name, { rule: "container.resources.name.format", detail: msg }));
  const errs: FieldError[] = [];
  if (!name.includes("/")) {
    if (!STANDARD_RESOURCES.has(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, { rule: "container.resources.name.standard", detail: "must be a standard resource type or fully qualified" }));
    }
    if (options.containerNames && !STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, { rule: "container.resources.name.container", detail: "must be a standard resource for containers" }));
    }
  } else if (options.containerNames && !isNative(name) && checkQualifiedName(`requests.${name}`).length > 0) {
    errs.push(invalid(path, name, { rule: "container.resources.name.extended", detail: "doesn't follow extended resource name standard" }));
  }
  return errs;
}
