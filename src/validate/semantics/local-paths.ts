// Path rules for host paths, subPaths and projected item paths (validation.go
// validatePathNoBacksteps, validateLocalDescendingPath, validateLocalNonReservedPath).
import type { FieldError } from "../../errors/field-error.js";
import { invalid } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";

export function checkNoBacksteps(value: string, path: FieldPath, rule: string): FieldError[] {
  // Go splits on "/" after filepath.ToSlash; a ".." segment anywhere could escape the base.
  return value.split(/[\\/]/).includes("..") ? [invalid(path, value, { rule, detail: "must not contain '..'" })] : [];
}

export function checkLocalDescendingPath(value: string, path: FieldPath, rule: string): FieldError[] {
  if (value.startsWith("/") || value.startsWith("\\")) return [invalid(path, value, { rule, detail: "must be a relative path" })];
  return checkNoBacksteps(value, path, rule);
}

/** Item paths inside a volume: relative, no "..", and not starting with ".." (reserved for the atomic writer). */
export function checkLocalNonReservedPath(value: string, path: FieldPath, rule: string): FieldError[] {
  const errs = checkLocalDescendingPath(value, path, rule);
  // Go skips this one when the ".." element check already caught it.
  if (value.startsWith("..") && !value.startsWith("../")) errs.push(invalid(path, value, { rule, detail: "must not start with '..'" }));
  return errs;
}
