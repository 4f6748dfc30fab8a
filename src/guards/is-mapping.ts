// The one test for "a JSON/YAML mapping": a plain object, not an array, not null. Decoded
// documents, List items, manifests and cloud metadata are all read through it.

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
