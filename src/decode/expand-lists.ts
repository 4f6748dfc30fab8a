// `kind: List` (apiVersion v1) and `kind: PodList` documents stand for their items: each
// item becomes a document of its own, keeping the list's document index plus an item index.
// The wrapper itself is checked strictly (check-list-wrapper.ts).
import type { LocatedError, Origin } from "../errors/field-error.js";
import type { Document } from "./document.js";
import { checkListWrapper } from "./check-list-wrapper.js";
import { decodeError } from "./decode-error.js";
import type { ParsedDocument } from "./parse-yaml.js";
import { isMapping } from "../guards/is-mapping.js";

/** apiVersion is not part of the test: a List with the wrong one is reported as a List. */
function isListDocument(value: Record<string, unknown>): boolean {
  return value.kind === "PodList" || value.kind === "List";
}

/** PodList items are typed Pods and may omit apiVersion and kind; a List's item must say what it is. */
function defaultPodTypeMeta(item: Record<string, unknown>): Record<string, unknown> {
  if (item.apiVersion !== undefined && item.kind !== undefined) return item;
  return { ...item, apiVersion: item.apiVersion ?? "v1", kind: item.kind ?? "Pod" };
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a sequence";
  if (value === null || value === undefined) return "null";
  return `a ${typeof value}`;
}

export function expandLists(parsed: readonly ParsedDocument[], source: string): { documents: Document[]; errors: LocatedError[] } {
  const documents: Document[] = [];
  const errors: LocatedError[] = [];
  for (const doc of parsed) {
    if (doc.value === undefined) continue; // empty documents between `---` are skipped
    const origin = originOf(source, doc.index, undefined, doc.line);
    if (!isMapping(doc.value)) {
      errors.push(decodeError(origin, "decode.notMapping", `a document must be a mapping (an object), not ${describeValue(doc.value)}`));
      continue;
    }
    if (!isListDocument(doc.value)) {
      documents.push({ origin, value: doc.value, lineOf: doc.lineOf });
      continue;
    }
    // The wrapper's own errors belong to the List document; its items are still checked.
    for (const error of checkListWrapper(doc.value)) {
      errors.push({ ...error, origin, ...lineField(doc.lineOf(error.field) ?? doc.line) });
    }
    const items = doc.value.items;
    if (!Array.isArray(items)) continue;
    const isPodList = doc.value.kind === "PodList";
    items.forEach((item: unknown, i) => {
      const prefix = `items[${i}]`;
      const line = doc.itemLines[i];
      const itemOrigin = originOf(source, doc.index, i, line);
      if (!isMapping(item)) {
        errors.push(decodeError(itemOrigin, "decode.notMapping", `a list item must be a mapping (an object), not ${describeValue(item)}`, { field: prefix }));
        return;
      }
      documents.push({
        origin: itemOrigin,
        value: isPodList ? defaultPodTypeMeta(item) : item,
        lineOf: (field) => doc.lineOf(field === "" ? prefix : field.startsWith("[") ? `${prefix}${field}` : `${prefix}.${field}`),
      });
    });
  }
  return { documents, errors };
}

/** Built as literals, one shape per case: spreads of optional parts make slow objects that every later copy pays for. */
function originOf(source: string, document: number, item: number | undefined, line: number | undefined): Origin {
  if (item === undefined) return line === undefined ? { source, document } : { source, document, line };
  return line === undefined ? { source, document, item } : { source, document, item, line };
}

function lineField(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}
