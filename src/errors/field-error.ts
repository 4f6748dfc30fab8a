// An error is data (apimachinery's field.Error): a type from a closed set, the field
// path, the bad value, a detail, and `rule`, the check that fired, so tests match on it.
import type { FieldPath } from "./field-path.js";

export type ErrorType =
  | "Required value"
  | "Invalid value"
  | "Unsupported value"
  | "Duplicate value"
  | "Forbidden"
  | "Too long"
  | "Too many"
  | "Not found"
  | "unknown field"
  | "Decode error";

export interface FieldError {
  /** `spec.containers[0].image`; "" for errors about the whole payload or document. */
  field: string;
  type: ErrorType;
  /** The check that fired, e.g. `container.image.required`, `schema.unknownField`. */
  rule: string;
  value?: unknown;
  detail?: string;
}

/** Where a document came from: source name, 0-based document index, line, pod name once known. */
export interface Origin {
  source: string;
  document: number;
  /** 0-based index inside a `kind: List` / `PodList` document's `items`, when the pod came from one. */
  item?: number;
  line?: number;
  pod?: string;
}

export interface LocatedError extends FieldError {
  origin: Origin;
  /** 1-based line of the field in the source text, when the decoder knows it. */
  line?: number;
}

type Extra = { rule: string; detail?: string };

export const required = (path: FieldPath, x: Extra): FieldError => ({
  field: path.toString(), type: "Required value", ...x,
});
export const invalid = (path: FieldPath, value: unknown, x: Extra): FieldError => ({
  field: path.toString(), type: "Invalid value", value, ...x,
});
export const unsupported = (path: FieldPath, value: unknown, supported: readonly string[], x: { rule: string }): FieldError => ({
  field: path.toString(), type: "Unsupported value", value, rule: x.rule,
  detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}`,
});
export const duplicate = (path: FieldPath, value: unknown, x: { rule: string; detail?: string }): FieldError => ({
  field: path.toString(), type: "Duplicate value", value, ...x,
});
export const forbidden = (path: FieldPath, x: Extra): FieldError => ({
  field: path.toString(), type: "Forbidden", ...x,
});
/** "Too long" leaves the value out, as the API server does. */
export const tooLong = (path: FieldPath, max: number, x: { rule: string }): FieldError => ({
  field: path.toString(), type: "Too long", rule: x.rule, detail: `may not be more than ${max} bytes`,
});
export const tooMany = (path: FieldPath, actual: number, max: number, x: { rule: string }): FieldError => ({
  field: path.toString(), type: "Too many", value: actual, rule: x.rule, detail: `must have at most ${max} items`,
});
export const notFound = (path: FieldPath, value: unknown, x: Extra): FieldError => ({
  field: path.toString(), type: "Not found", value, ...x,
});
