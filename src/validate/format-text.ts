// `rower validate`'s text result in kubectl's shape:
//   The Pod "web" is invalid:
//   * spec.containers[0].image: Required value
// or `pod/web validated`. With several inputs or documents every line starts `FILE#DOC: `.
import { describeOrigin } from "../errors/describe-origin.js";
import { formatError } from "./format-error.js";
import type { DocumentResult, ValidationResult } from "./validation-result.js";

function headerOf(result: DocumentResult): string {
  if (result.kind === undefined && result.name === undefined) {
    if (result.errors.some((e) => e.rule === "decode.empty")) return "error: no pods";
    // A List wrapper's own errors (unknown field, missing items) are field errors, not decode errors.
    return result.errors.every((e) => e.type === "Decode error") ? "error: cannot decode:" : "error: invalid document:";
  }
  return `The ${result.kind ?? "object"} ${JSON.stringify(result.name ?? "")} is invalid:`;
}

function linesOf(result: DocumentResult): string[] {
  if (result.errors.length === 0) return [`${(result.kind ?? "Pod").toLowerCase()}/${result.name ?? ""} validated`];
  const header = headerOf(result);
  if (header === "error: no pods") return [header];
  return [header, ...result.errors.map((e) => `* ${formatError(e)}`)];
}

/** Several inputs or documents: prefix lines with their origin, so each error says where it is. */
export function needsOriginPrefix(result: ValidationResult, inputCount: number): boolean {
  return inputCount > 1 || result.documents.length > 1;
}

export function formatText(result: ValidationResult, options: { prefix: boolean }): string {
  const out: string[] = [];
  for (const doc of result.documents) {
    const prefix = options.prefix ? `${describeOrigin(doc.origin)}: ` : "";
    for (const line of linesOf(doc)) out.push(`${prefix}${line}`);
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
