// Constructors for SourceError values, so every provider spells them the same way.
import type { SourceError, SourceErrorKind } from "./source.js";

export function sourceError(
  source: string,
  errorKind: SourceErrorKind,
  message: string,
  status?: number,
): SourceError {
  return status === undefined
    ? { kind: "error", source, errorKind, message }
    : { kind: "error", source, errorKind, message, status };
}
