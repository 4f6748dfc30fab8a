// A pod → the manifest file rower writes for it. The content depends on that pod alone:
// - the user's pod as given, no API defaults added;
// - keys in a fixed order: apiVersion, kind, metadata, spec, then the rest; below the top
//   level every mapping is sorted by key (code-unit order), so the bytes never depend on
//   how the user happened to order fields;
// - rower's ownership marker annotation, constant forever (a changing value would
//   restart the pod at every revision).
import type { V1Pod } from "@kubernetes/client-node";
import { MANAGED_ANNOTATION, MANAGED_VALUE, manifestFileName } from "../naming/manifest-naming.js";
import { writeYaml } from "./yaml-writer.js";
import { isMapping } from "../guards/is-mapping.js";

const HEADER = `# Managed by rower (annotation ${MANAGED_ANNOTATION}): edits to this file are overwritten.\n`;
const TOP_LEVEL_ORDER = ["apiVersion", "kind", "metadata", "spec"];

export interface RenderedManifest {
  file: string;
  content: string;
}

/** A key the pod gave, kept as a key: assigning `__proto__` would set the prototype instead. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (!isMapping(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) setOwn(sorted, key, sortDeep(value[key]));
  return sorted;
}

// Own keys only: `in` would also find `constructor` or `toString` on the prototype.
function orderTopLevel(pod: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_ORDER) if (Object.hasOwn(pod, key)) ordered[key] = sortDeep(pod[key]);
  for (const key of Object.keys(pod).sort()) if (!Object.hasOwn(ordered, key)) setOwn(ordered, key, sortDeep(pod[key]));
  return ordered;
}

function withMarker(pod: Record<string, unknown>): Record<string, unknown> {
  const metadata = isMapping(pod.metadata) ? pod.metadata : {};
  const annotations = isMapping(metadata.annotations) ? metadata.annotations : {};
  return { ...pod, metadata: { ...metadata, annotations: { ...annotations, [MANAGED_ANNOTATION]: MANAGED_VALUE } } };
}

/** Only for validated pods: the name is a DNS-1123 subdomain. */
export function renderManifest(pod: V1Pod): RenderedManifest {
  const name = pod.metadata?.name;
  if (typeof name !== "string" || name === "") throw new Error("renderManifest: pod has no name; validate it first");
  const value = orderTopLevel(withMarker(pod as unknown as Record<string, unknown>));
  return { file: manifestFileName(name, pod.metadata?.namespace), content: HEADER + writeYaml(value) };
}
