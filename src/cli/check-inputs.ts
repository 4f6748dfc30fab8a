// Reads and decodes the inputs of validate/render, then validates them as one set.
// Returns a usage or I/O message instead when the command cannot run.
import { decodePayload } from "../decode/decode-payload.js";
import type { FieldError } from "../errors/field-error.js";
import { validateInputs, type DecodedInput } from "../validate/validate-inputs.js";
import type { ValidationResult } from "../validate/validation-result.js";
import type { InputOptions } from "./input-options.js";
import { readInput } from "./read-input.js";

export type CheckedInputs =
  | { ok: true; result: ValidationResult; inputCount: number }
  | { ok: false; message: string };

/** `admit`: a compiled admission policy, run on every pod. */
export async function checkInputs(specs: readonly string[], options: InputOptions, admit?: (pod: unknown) => FieldError[]): Promise<CheckedInputs> {
  if (specs.length === 0) return { ok: false, message: "no input: give a FILE, -f FILE, or - for standard input" };
  if (specs.filter((s) => s === "-").length > 1) return { ok: false, message: "standard input (-) can be read only once" };
  const decoded: DecodedInput[] = [];
  for (const spec of specs) {
    const input = await readInput(spec, options.maxBytes);
    if (!input.ok) return { ok: false, message: input.message };
    decoded.push({ source: input.source, decoded: decodePayload(input.bytes, { source: input.source, maxBytes: options.maxBytes }) });
  }
  return { ok: true, result: validateInputs(decoded, admit === undefined ? { nodeName: options.nodeName } : { nodeName: options.nodeName, admit }), inputCount: specs.length };
}
