// Log events say where and why a revision is invalid, never what the payload held: a bad
// value can be an env value or an unknown field's secret. The state file (0600) keeps values.
import type { LocatedError } from "../errors/field-error.js";

export type LoggableError = Omit<LocatedError, "value">;

/** The errors with their values dropped: field path, type, rule, detail and origin stay. */
export function loggableErrors(errors: readonly LocatedError[]): LoggableError[] {
  return errors.map((error) => {
    const copy: Partial<LocatedError> = { ...error };
    delete copy.value;
    return copy as LoggableError;
  });
}
