// Defaulting never touches the user's pod (rower writes it as given): a defaulter returns
// the same object when nothing changes, else a shallow copy holding the changes, so only
// the nodes on the way to a default are copied.
import { recordOf, type JsonRecord } from "../semantics/read-json.js";

/** `record` with `changes` applied, or `record` itself when every change is already there. */
export function withChanges(record: JsonRecord, changes: JsonRecord): JsonRecord {
  for (const key of Object.keys(changes)) {
    if (record[key] !== changes[key]) return { ...record, ...changes };
  }
  return record;
}

/** Applies `fn` to each mapping of a list, copying the list only if an item changed. */
export function mapRecords(value: unknown, fn: (item: JsonRecord) => JsonRecord): unknown {
  if (!Array.isArray(value)) return value;
  let out: unknown[] | undefined;
  value.forEach((item, i) => {
    const record = recordOf(item);
    const next = record ? fn(record) : item;
    if (next !== item) (out ??= [...value])[i] = next;
  });
  return out ?? value;
}

/** Applies `fn` to a nested mapping field, when it is one. */
export function mapField(record: JsonRecord, key: string, fn: (item: JsonRecord) => JsonRecord): JsonRecord {
  const child = recordOf(record[key]);
  if (!child) return record;
  const next = fn(child);
  return next === child ? record : { ...record, [key]: next };
}

/** Go reads an absent field, a null and the zero value alike: each means "unset" to defaulting. */
export const isUnsetString = (value: unknown): boolean => value === undefined || value === null || value === "";
export const isUnsetNumber = (value: unknown): boolean => value === undefined || value === null || value === 0;
