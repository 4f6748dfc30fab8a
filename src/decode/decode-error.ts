// Every decode failure is a value: a `Decode error` with a rule naming the check and
// the document position, so callers and tests never parse prose.
import type { LocatedError, Origin } from "../errors/field-error.js";

export function decodeError(
  origin: Origin,
  rule: string,
  detail: string,
  extra: { field?: string; line?: number } = {},
): LocatedError {
  const line = extra.line ?? origin.line;
  return {
    field: extra.field ?? "",
    type: "Decode error",
    rule,
    detail,
    origin: line === undefined ? origin : { ...origin, line },
    ...(line === undefined ? {} : { line }),
  };
}
