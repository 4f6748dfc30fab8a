// Semantic checks run on whatever the decoder produced, even when the schema layer has
// already found wrong types: these readers return undefined instead of throwing, so a
// check simply skips what it cannot read (the schema layer reports the type error).
import { isMapping, type Mapping } from "../../guards/is-mapping.js";

export type JsonRecord = Mapping;

export function recordOf(value: unknown): JsonRecord | undefined {
  return isMapping(value) ? value : undefined;
}

export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A finite number; Kubernetes int32/int64 fields arrive as JS numbers. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Entries of a string-to-string map, skipping entries whose value is not a string. */
export function stringEntriesOf(value: unknown): [string, string][] {
  const record = recordOf(value);
  if (!record) return [];
  return Object.entries(record).filter((e): e is [string, string] => typeof e[1] === "string");
}

/** Whether a field is present with a value (Go's "set": not absent, not null). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A required string field left empty: absent, null or "". A value of another type is not blank (the schema layer reports it). */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}
