// The API server's enum check: a set value outside the supported list is `Unsupported value`.
// Absent values are fine: API defaulting fills them before validation.
import type { FieldError } from "../../errors/field-error.js";
import { unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { stringOf } from "./read-json.js";

export function checkSupported(value: unknown, allowed: readonly string[], path: FieldPath, rule: string): FieldError[] {
  const text = stringOf(value);
  return text !== undefined && !allowed.includes(text) ? [unsupported(path, text, allowed, { rule })] : [];
}
