// Several decoded inputs → one verdict, as `rower validate` and `rower render` report it:
// decode failures become documents with their errors, an input without pods is an error
// ("no pods"), and every decoded pod is validated together, so names must be unique across inputs.
import type { Decoded, Document } from "../decode/document.js";
import type { LocatedError, Origin } from "../errors/field-error.js";
import { validateDocuments, type ValidateOptions } from "./validate-documents.js";
import type { DocumentResult, ValidationResult } from "./validation-result.js";

export interface DecodedInput {
  source: string;
  decoded: Decoded;
}

function noPodsError(source: string): DocumentResult {
  const origin: Origin = { source, document: 0 };
  const error: LocatedError = { field: "", type: "Decode error", rule: "decode.empty", detail: "no pods", origin };
  return { origin, errors: [error] };
}

/** Decode errors grouped by the document (and List item) they belong to, in payload order. */
function decodeFailures(errors: readonly LocatedError[]): DocumentResult[] {
  const groups = new Map<string, DocumentResult>();
  for (const error of errors) {
    const key = `${error.origin.document}/${error.origin.item ?? ""}`;
    const group = groups.get(key);
    if (group) group.errors.push(error);
    else groups.set(key, { origin: error.origin, errors: [error] });
  }
  return [...groups.values()];
}

/** Payload order: by document, a List's own errors before its items. */
function byPosition(a: DocumentResult, b: DocumentResult): number {
  return a.origin.document - b.origin.document || (a.origin.item ?? -1) - (b.origin.item ?? -1);
}

export function validateInputs(inputs: readonly DecodedInput[], options: ValidateOptions): ValidationResult {
  const documents: Document[] = [];
  const failures: DocumentResult[][] = inputs.map(() => []);
  inputs.forEach(({ source, decoded }, i) => {
    if (decoded.kind === "invalid") {
      // The documents that did decode are validated too, so one run reports every problem.
      failures[i] = decodeFailures(decoded.errors);
      documents.push(...(decoded.documents ?? []));
    } else if (decoded.kind === "empty") failures[i] = [noPodsError(source)];
    else if (decoded.documents.length === 0) failures[i] = [noPodsError(source)];
    else documents.push(...decoded.documents);
  });

  const validated = validateDocuments(documents, options);
  // Keep the inputs' order: each input's decode failures and validated documents, in payload order.
  const bySource = new Map<string, DocumentResult[]>();
  for (const result of validated.documents) {
    const list = bySource.get(result.origin.source) ?? [];
    list.push(result);
    bySource.set(result.origin.source, list);
  }
  const ordered = inputs.flatMap(({ source }, i) => [...(failures[i] ?? []), ...(bySource.get(source) ?? [])].sort(byPosition));
  // One source named twice (`rower validate a.yaml a.yaml`) must not list its documents twice.
  const seen = new Set<DocumentResult>();
  const results = ordered.filter((r) => !seen.has(r) && seen.add(r));
  const valid = results.every((r) => r.errors.length === 0);
  return { valid, documents: results, pods: valid ? validated.pods : [] };
}
