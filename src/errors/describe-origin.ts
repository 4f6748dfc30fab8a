// How an origin is named in messages: `FILE#DOC`, plus `[ITEM]` for a pod from a List.
import type { Origin } from "./field-error.js";

export function describeOrigin(origin: Origin): string {
  return `${origin.source}#${origin.document}${origin.item === undefined ? "" : `[${origin.item}]`}`;
}
