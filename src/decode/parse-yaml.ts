// YAML (and JSON, which is YAML) text → one entry per `---` document, parsed with the
// Go-compatible YAML 1.1 schema. Duplicate keys and alias bombs are errors, with lines.
import { EVENT_ID, YAMLException, constructFromEvents, parseEvents, type Event } from "js-yaml";
import type { LocatedError } from "../errors/field-error.js";
import { decodeError } from "./decode-error.js";
import { GO_YAML_SCHEMA } from "./go-yaml-schema.js";
import { LineIndex } from "./line-index.js";
import { relaxTabsInFlow } from "./flow-tabs.js";
import { readJsonDocument } from "./read-json-document.js";
import { splitJsonStream, type JsonPart } from "./split-json-stream.js";
import { indexDocument, lookUpLine, measureDocument, type DocumentIndex } from "./scan-document.js";

/** goyaml v2 nests at most this deep too; deeper input is an attack, not a pod. */
const MAX_DEPTH = 100;
/** Alias expansion may grow a document to this many nodes, or 10× its written size if larger. */
const MAX_EXPANDED_NODES = 100_000;
const MAX_EXPANSION_RATIO = 10;

export interface ParsedDocument {
  index: number;
  line: number | undefined;
  /** undefined for an empty document (`---` with nothing but comments); an explicit `~`/`null` is null. */
  value: unknown;
  /** First line of each entry of a top-level `items` sequence, for List expansion. */
  itemLines: number[];
  lineOf: (field: string) => number | undefined;
}

/** Every document that parsed, and an error for each one that did not (both in payload order). */
export interface ParsedYaml {
  documents: ParsedDocument[];
  errors: LocatedError[];
}

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

/** Offsets of the `---` lines that start documents. */
function markerOffsets(text: string): number[] {
  return [...text.matchAll(/^---(?=[ \t\r\n]|$)/gm)].map((m) => m.index);
}

/** True when the first non-blank, non-comment line is `---`: the first marker opens document 0. */
function opensWithMarker(text: string): boolean {
  const firstContent = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*([^\n]*)/.exec(text)?.[1] ?? "";
  return /^---(?:[ \t\r]|$)/.test(firstContent);
}

/** Which document a syntax error falls in, when the parser could not say: count `---` markers before it. */
function documentIndexAt(text: string, offset: number): number {
  const markers = markerOffsets(text).filter((m) => m < offset).length;
  return opensWithMarker(text) ? Math.max(0, markers - 1) : markers;
}

/** Where document `index` starts in the text: the text before it holds only whole documents. */
function documentStartOffset(text: string, index: number): number {
  const markers = markerOffsets(text);
  const at = opensWithMarker(text) ? markers[index] : index === 0 ? 0 : markers[index - 1];
  return at ?? 0;
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
  // One JSON object (valid JSON is one value, so not a stream): read natively when that is safe.
  const json = readJsonDocument(text);
  if (json) return { documents: [json], errors: [] };
  const stream = splitJsonStream(text);
  if (stream) return parseJsonStream(text, stream, source);
  return parseYamlDocuments(text, source);
}

/** Each value of a JSON stream is a document of its own, at its own line. */
function parseJsonStream(text: string, parts: readonly JsonPart[], source: string): ParsedYaml {
  const lines = new LineIndex(text);
  const documents: ParsedDocument[] = [];
  const errors: LocatedError[] = [];
  parts.forEach((part, index) => {
    const offset = lines.lineAt(part.start) - 1;
    const json = readJsonDocument(part.text);
    const parsed = json ? { documents: [json], errors: [] } : parseYamlDocuments(part.text, source);
    for (const doc of parsed.documents) {
      documents.push({
        ...doc,
        index,
        line: doc.line === undefined ? undefined : doc.line + offset,
        itemLines: doc.itemLines.map((l) => l + offset),
        lineOf: (field) => { const l = doc.lineOf(field); return l === undefined ? undefined : l + offset; },
      });
    }
    for (const e of parsed.errors) {
      const line = e.line === undefined ? undefined : e.line + offset;
      errors.push({ ...e, origin: { ...e.origin, document: index, ...(line === undefined ? {} : { line }) }, ...(line === undefined ? {} : { line }) });
    }
  });
  return { documents, errors };
}

function parseYamlDocuments(text: string, source: string): ParsedYaml {
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    // A tab inside a flow collection is white space to goyaml: retry with it as a space.
    if (text.includes("\t")) {
      const relaxed = relaxTabsInFlow(text);
      if (relaxed !== text) {
        const retried = tryParseEvents(relaxed);
        if (retried) return constructDocuments(retried, relaxed, source);
      }
    }
    // A syntax error stops the parser: it is the one error for the rest of the stream, but
    // the documents before it are whole and still get validated, so a run reports them too.
    const error = yamlErrorOf(err, source, text, undefined);
    const start = documentStartOffset(text, error.origin.document);
    const before = start > 0 ? parseYamlDocuments(text.slice(0, start), source) : { documents: [], errors: [] };
    return { documents: before.documents, errors: [...before.errors, error] };
  }
  return constructDocuments(events, text, source);
}

function tryParseEvents(text: string): Event[] | undefined {
  try {
    return parseEvents(text, { maxDepth: MAX_DEPTH });
  } catch (err) {
    if (err instanceof YAMLException) return undefined;
    throw err;
  }
}

/** An empty document (`---` then nothing) is one plain scalar with no text, tag or anchor; `~` has text. */
function isEmptyDocument(events: readonly Event[]): boolean {
  const node = events[1];
  return events.length === 3 && node?.type === EVENT_ID.SCALAR && node.valueStart < 0 && node.tagStart < 0 && node.anchorStart < 0;
}

/** A YAML float JSON cannot hold, found depth-first; "" when there is none. */
function findNonFinite(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) ? "" : Number.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
  if (typeof value !== "object" || value === null) return "";
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    const found = findNonFinite(child);
    if (found !== "") return found;
  }
  return "";
}

function constructDocuments(events: Event[], text: string, source: string): ParsedYaml {
  const lines = new LineIndex(text);
  const documents: ParsedDocument[] = [];
  const errors: LocatedError[] = [];
  // .inf and .nan are YAML floats, but sigs.k8s.io/yaml cannot turn them into JSON: the kubelet
  // and kubectl refuse the file. Only payloads that spell one are walked for them.
  const mayHoldNonFinite = /\.(?:inf|Inf|INF|nan|NaN|NAN)\b/.test(text);
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
    const nonFinite = mayHoldNonFinite ? findNonFinite(value) : "";
    if (nonFinite !== "") {
      errors.push(decodeError({ source, document: index }, "decode.nonFinite", `error converting YAML to JSON: json: unsupported value: ${nonFinite}`,
        { ...(line === undefined ? {} : { line }) }));
      return;
    }
    documents.push({
      index,
      line,
      value: isEmptyDocument(docEvents) ? undefined : value,
      itemLines: size.itemLines,
      lineOf: (field) => lookUpLine(indexed(), field),
    });
  });
  return { documents, errors };
}
