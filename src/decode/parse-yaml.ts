// YAML (and JSON, which is YAML) text → one entry per `---` document, parsed with the
// Go-compatible YAML 1.1 schema. Duplicate keys and alias bombs are errors, with lines.
import { EVENT_ID, YAMLException, constructFromEvents, parseEvents, type Event } from "js-yaml";
import type { LocatedError } from "../validate/field-error.js";
import { decodeError } from "./decode-error.js";
import { GO_YAML_SCHEMA } from "./go-yaml-schema.js";
import { LineIndex } from "./line-index.js";
import { indexDocument, lookUpLine, measureDocument, type DocumentIndex } from "./scan-document.js";

/** goyaml v2 nests at most this deep too; deeper input is an attack, not a pod. */
const MAX_DEPTH = 100;
/** Alias expansion may grow a document to this many nodes, or 10× its written size if larger. */
const MAX_EXPANDED_NODES = 100_000;
const MAX_EXPANSION_RATIO = 10;

export interface ParsedDocument {
  index: number;
  line: number | undefined;
  /** undefined for an empty document (`---` with nothing, or an explicit null). */
  value: unknown;
  /** First line of each entry of a top-level `items` sequence, for List expansion. */
  itemLines: number[];
  lineOf: (field: string) => number | undefined;
}

export type ParsedYaml =
  | { ok: true; documents: ParsedDocument[] }
  | { ok: false; errors: LocatedError[] };

function splitDocuments(events: readonly Event[]): Event[][] {
  const documents: Event[][] = [];
  let depth = 0;
  let start = 0;
  events.forEach((e, i) => {
    if (e.type === EVENT_ID.POP) depth--;
    else if (e.type === EVENT_ID.DOCUMENT || e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) depth++;
    if (depth === 0) {
      documents.push(events.slice(start, i + 1));
      start = i + 1;
    }
  });
  return documents;
}

/** Which document a syntax error falls in, when the parser could not say: count `---` markers before it. */
function documentIndexAt(text: string, offset: number): number {
  const before = text.slice(0, offset);
  const markers = before.match(/^---(?=[ \t\r\n]|$)/gm)?.length ?? 0;
  const firstContent = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*([^\n]*)/.exec(text)?.[1] ?? "";
  return /^---(?:[ \t\r]|$)/.test(firstContent) ? Math.max(0, markers - 1) : markers;
}

function yamlErrorOf(err: YAMLException, source: string, text: string, document: number | undefined, keys?: Map<number, string>): LocatedError {
  const position = err.mark?.position;
  const line = err.mark ? err.mark.line + 1 : undefined;
  const doc = document ?? (position === undefined ? 0 : documentIndexAt(text, position));
  if (err.reason === "duplicated mapping key" && position !== undefined) {
    const key = keys?.get(position);
    const detail = key === undefined ? "duplicate mapping key" : `duplicate mapping key ${JSON.stringify(key)}`;
    return decodeError({ source, document: doc }, "decode.duplicateKey", detail, { ...(line === undefined ? {} : { line }) });
  }
  return decodeError({ source, document: doc }, "decode.yaml", err.reason, { ...(line === undefined ? {} : { line }) });
}

export function parseYaml(text: string, source: string): ParsedYaml {
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH });
  } catch (err) {
    if (err instanceof YAMLException) return { ok: false, errors: [yamlErrorOf(err, source, text, undefined)] };
    throw err;
  }

  const lines = new LineIndex(text);
  const documents: ParsedDocument[] = [];
  const errors: LocatedError[] = [];
  splitDocuments(events).forEach((docEvents, index) => {
    const size = measureDocument(docEvents, text, lines);
    const line = size.firstLine;
    // Field lines are needed only to report errors: index them on first use.
    let fieldIndex: DocumentIndex | undefined;
    const indexed = () => (fieldIndex ??= indexDocument(docEvents, text, lines));
    if (size.expandedNodes > Math.max(MAX_EXPANDED_NODES, MAX_EXPANSION_RATIO * size.nodes)) {
      errors.push(decodeError({ source, document: index }, "decode.aliasBomb",
        `aliases expand ${size.nodes} written nodes to ${size.expandedNodes}; refusing excessive aliasing`,
        { ...(line === undefined ? {} : { line }) }));
      return;
    }
    let value: unknown;
    try {
      value = constructFromEvents(docEvents, { source: text, schema: GO_YAML_SCHEMA })[0];
    } catch (err) {
      if (err instanceof YAMLException) {
        errors.push(yamlErrorOf(err, source, text, index, indexed().keysByOffset));
        return;
      }
      throw err;
    }
    documents.push({
      index,
      line,
      value: value === null ? undefined : value,
      itemLines: size.itemLines,
      lineOf: (field) => lookUpLine(indexed(), field),
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, documents };
}
