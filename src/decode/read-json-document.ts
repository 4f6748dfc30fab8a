// Fast path for the common payload, one JSON object (`kubectl get pods -o json`, a List of
// pods): JSON.parse is native and builds no parser events, while the YAML path costs several
// times more for the same text. Taken only where the result is provably the YAML path's: the
// text parses as JSON, starts its object on the first line or at the start of a line (YAML
// wants every later line indented as far as that line), has no tab, no duplicate key, no -0 (goyaml reads `-0` as the
// integer 0), no number JSON cannot hold and no deep nesting. Anything else returns undefined and the
// YAML path reads it, with its errors. Field lines are needed only for errors: the YAML
// index of this text is built on first use, so lines match the YAML path's exactly.
import { parseEvents } from "js-yaml";
import { isMapping } from "../guards/is-mapping.js";
import { LineIndex } from "./line-index.js";
import type { ParsedDocument } from "./parse-yaml.js";
import { indexDocument, lookUpLine, type DocumentIndex } from "./scan-document.js";

/** Deeper documents go to the YAML path, which enforces goyaml's depth limit with its own error. */
const MAX_FAST_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** What one pass over valid JSON text finds: key count, depth, and where `items` entries start. */
interface JsonShape {
  /** Colons outside strings: one per key as written, duplicates included. */
  keys: number;
  depth: number;
  /** Offset of the root value, and of each entry of a root-level `items` array. */
  rootOffset: number;
  itemOffsets: number[];
}

/** Offset just past the string whose opening quote is at `open` (the text is valid JSON). */
function skipString(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    close = text.indexOf('"', close + 1);
  }
}

const isJsonSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function scanJson(text: string): JsonShape {
  const shape: JsonShape = { keys: 0, depth: 0, rootOffset: -1, itemOffsets: [] };
  let depth = 0;
  // The root object's keys, to spot `items`; then, inside its array, the start of each entry.
  let lastRootKey = "";
  let inItems = false;
  let expectItem = false;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (isJsonSpace(c)) { i++; continue; }
    if (shape.rootOffset < 0) shape.rootOffset = i;
    if (expectItem) {
      expectItem = false;
      if (c !== CLOSE_BRACKET) shape.itemOffsets.push(i);
    }
    if (c === QUOTE) {
      const end = skipString(text, i);
      // Only the root's keys are compared; an escaped spelling of `items` is decoded first.
      if (depth === 1) {
        const raw = text.slice(i + 1, end - 1);
        lastRootKey = raw.includes("\\") ? (JSON.parse(text.slice(i, end)) as string) : raw;
      }
      i = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > shape.depth) shape.depth = depth;
      if (depth === 2 && c === OPEN_BRACKET && lastRootKey === "items") {
        inItems = true;
        expectItem = true;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 1) inItems = false;
    } else if (c === COLON) {
      shape.keys++;
    } else if (c === COMMA && inItems && depth === 2) {
      expectItem = true;
    }
    i++;
  }
  return shape;
}

/** Keys of every mapping in the value; -1 when it holds a number the YAML path reads otherwise. */
function countKeys(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0) ? 0 : -1;
  if (typeof value !== "object" || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const n = countKeys(item);
      if (n < 0) return -1;
      count += n;
    }
    return count;
  }
  for (const key in value) {
    const n = countKeys((value as Record<string, unknown>)[key]);
    if (n < 0) return -1;
    count += n + 1;
  }
  return count;
}

/** js-yaml counts a line's indentation only after a line break: the first line's is 0. */
function hasNoIndent(text: string, offset: number): boolean {
  const before = text.charCodeAt(offset - 1);
  return before === 0x0a || before === 0x0d || !/[\r\n]/.test(text.slice(0, offset));
}

function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** The one document of `text` when it is a JSON object the YAML path would read the same; else undefined. */
export function readJsonDocument(text: string): ParsedDocument | undefined {
  const first = text.search(/\S/);
  if (first < 0 || text.charCodeAt(first) !== OPEN_BRACE || !hasNoIndent(text, first) || text.includes("\t")) return undefined;
  const value = tryJsonParse(text);
  if (!isMapping(value)) return undefined;
  const shape = scanJson(text);
  if (shape.depth > MAX_FAST_DEPTH || countKeys(value) !== shape.keys) return undefined;
  const lines = new LineIndex(text);
  let fieldIndex: DocumentIndex | undefined;
  const indexed = () => (fieldIndex ??= indexDocument(parseEvents(text, {}), text, lines));
  return {
    index: 0,
    line: lines.lineAt(shape.rootOffset),
    value,
    itemLines: shape.itemOffsets.map((offset) => lines.lineAt(offset)),
    lineOf: (field) => lookUpLine(indexed(), field),
  };
}
