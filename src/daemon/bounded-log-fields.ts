// Every log line stays within MAX_LOG_LINE_BYTES, whatever the payload did: the hostile
// review's 75,000 errors became one 52 MB line. Long strings are cut first, then lists are
// shortened (saying how many items were left out), then whatever is still too big is named
// by its size only.
import type { LogFields } from "./event-log.js";

export const MAX_LOG_LINE_BYTES = 16 * 1024;
/** Room for level, time, pid and event, which pino adds around the fields. */
const ENVELOPE_BYTES = 256;
const MAX_STRING_CHARS = 1024;

export function boundLogFields(fields: LogFields, maxLineBytes = MAX_LOG_LINE_BYTES): LogFields {
  const budget = maxLineBytes - ENVELOPE_BYTES;
  if (sizeOf(fields) <= budget) return fields;
  const bounded: LogFields = {};
  for (const [key, value] of Object.entries(fields)) bounded[key] = cutStrings(value);
  if (sizeOf(bounded) <= budget) return bounded;
  // Longest lists first: they are what grows with the input.
  const lists = Object.keys(bounded).filter((key) => Array.isArray(bounded[key])).sort((a, b) => sizeOf(bounded[b]) - sizeOf(bounded[a]));
  for (const key of lists) {
    const items = bounded[key] as unknown[];
    let kept = items.length;
    while (kept > 0 && sizeOf({ ...bounded, [key]: items.slice(0, kept), [`${key}Omitted`]: items.length - kept }) > budget) {
      kept = Math.floor(kept / 2);
    }
    bounded[key] = items.slice(0, kept);
    if (kept < items.length) bounded[`${key}Omitted`] = items.length - kept;
    if (sizeOf(bounded) <= budget) return bounded;
  }
  for (const key of Object.keys(bounded).sort((a, b) => sizeOf(bounded[b]) - sizeOf(bounded[a]))) {
    bounded[key] = `(omitted: ${sizeOf(bounded[key])} bytes)`;
    if (sizeOf(bounded) <= budget) break;
  }
  return bounded;
}

function sizeOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "");
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
