// Every log line stays within MAX_LOG_LINE_BYTES, whatever the payload did: the hostile
// review's 75,000 errors became one 52 MB line. Long strings are cut, lists keep the longest
// prefix that fits (saying how many items were left out), and whatever is still too big is
// named by its size only. Lists are measured item by item, stopping at the budget, so a
// 300,000-item list costs what its kept prefix costs.
import type { LogFields } from "./event-log.js";

export const MAX_LOG_LINE_BYTES = 16 * 1024;
/** Room for level, time, pid and event, which pino adds around the fields. */
const ENVELOPE_BYTES = 256;
const MAX_STRING_CHARS = 1024;

export function boundLogFields(fields: LogFields, maxLineBytes = MAX_LOG_LINE_BYTES): LogFields {
  const budget = maxLineBytes - ENVELOPE_BYTES;
  if (measureUpTo(fields, budget) <= budget) return fields;
  const bounded: LogFields = {};
  const lists: string[] = [];
  let used = 2;
  for (const [key, value] of Object.entries(fields)) {
    if (Array.isArray(value)) {
      lists.push(key);
      continue;
    }
    bounded[key] = cutStrings(value);
    used += sizeOf(key) + sizeOf(bounded[key]) + 2;
  }
  for (const key of lists) {
    const items = fields[key] as unknown[];
    const kept: unknown[] = [];
    // The list's own key and brackets, and the `<key>Omitted` field it may need.
    let room = budget - used - sizeOf(key) - sizeOf(`${key}Omitted`) - String(items.length).length - 8;
    for (const item of items) {
      const cut = cutStrings(item);
      const itemBytes = sizeOf(cut) + 1;
      if (itemBytes > room) break;
      room -= itemBytes;
      kept.push(cut);
    }
    bounded[key] = kept;
    if (kept.length < items.length) bounded[`${key}Omitted`] = items.length - kept.length;
    used = sizeOf(bounded);
  }
  for (const key of Object.keys(bounded).sort((a, b) => sizeOf(bounded[b]) - sizeOf(bounded[a]))) {
    if (sizeOf(bounded) <= budget) break;
    bounded[key] = `(omitted: ${sizeOf(bounded[key])} bytes)`;
  }
  return bounded;
}

function sizeOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "");
}

/** The JSON size of `fields`, or a number over `limit` as soon as it is clear it exceeds it. */
function measureUpTo(fields: LogFields, limit: number): number {
  let total = 2;
  for (const [key, value] of Object.entries(fields)) {
    total += sizeOf(key) + 2;
    if (Array.isArray(value)) {
      total += 2;
      for (const item of value) {
        total += sizeOf(item) + 1;
        if (total > limit) return total;
      }
    } else {
      total += sizeOf(value);
    }
    if (total > limit) return total;
  }
  return total;
}

function cutStrings(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length <= MAX_STRING_CHARS ? value : `${value.slice(0, MAX_STRING_CHARS)}… (${value.length - MAX_STRING_CHARS} more characters)`;
  }
  if (Array.isArray(value)) return value.map(cutStrings);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutStrings(v)]));
  }
  return value;
}
