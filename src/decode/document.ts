import type { LocatedError, Origin } from "../errors/field-error.js";

/** One decoded document: a JSON-like value plus where it came from. */
export interface Document {
  origin: Origin;
  value: unknown;
  /** 1-based source line of a field path (`spec.containers[0].image`), when known. */
  lineOf?: (field: string) => number | undefined;
}

/**
 * decode's result. `empty` is distinct: an empty or whitespace payload is the explicit
 * empty set to the daemon, and "no pods" to `rower validate`.
 */
export type Decoded =
  | { kind: "documents"; documents: Document[] }
  | { kind: "empty"; source: string }
  /**
   * `documents`: those of the payload that did decode, so every problem can be reported in
   * one run; the payload as a whole is still invalid and nothing of it is applied.
   */
  | { kind: "invalid"; errors: LocatedError[]; documents?: Document[] };
