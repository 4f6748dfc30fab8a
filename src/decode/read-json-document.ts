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
const CLOSE_BRACKET = 0x5d;

/** What one pass over valid JSON text finds: its keys, and where `items` entries start. */
interface JsonShape {
  /** Colons outside strings: one per key as written, duplicates included. */
  keys: number;
  /** Offset of each entry of a root-level `items` array. */
  itemOffsets: number[];
}

// rower runs without an optimizing compiler, where a loop over every character of a payload
// costs several times what the regular expression engine's own search does: the scan visits
// only the characters that matter and jumps over strings and spaces natively.
const STRUCTURE = /["{}[\]:,]/g;
const SPACES = /[ \t\r\n]*/y;

/** The offset just past a string's closing quote (the text is valid JSON). */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    close = text.indexOf('"', close + 1);
  }
}

/** Where the value after `from` starts (spaces skipped); a `]` there means none. */
function pushItemAt(text: string, from: number, offsets: number[]): void {
  SPACES.lastIndex = from;
  SPACES.test(text);
  if (text.charCodeAt(SPACES.lastIndex) !== CLOSE_BRACKET) offsets.push(SPACES.lastIndex);
}

function scanJson(text: string): JsonShape {
  const shape: JsonShape = { keys: 0, itemOffsets: [] };
  let depth = 0;
  // The root object's keys, to spot `items`; then, inside its array, the start of each entry.
  let lastRootKey = "";
  let inItems = false;
  STRUCTURE.lastIndex = 0;
  while (STRUCTURE.test(text)) {
    const at = STRUCTURE.lastIndex - 1;
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      const end = stringEnd(text, at);
      // Only the root's keys are compared; an escaped spelling of `items` is decoded first.
      if (depth === 1) {
        const raw = text.slice(at + 1, end - 1);
        lastRootKey = raw.includes("\\") ? (JSON.parse(text.slice(at, end)) as string) : raw;
      }
      STRUCTURE.lastIndex = end;
    } else if (c === COLON) {
      shape.keys++;
    } else if (c === COMMA) {
      if (inItems && depth === 2) pushItemAt(text, at + 1, shape.itemOffsets);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth === 2 && c === OPEN_BRACKET && lastRootKey === "items") {
        inItems = true;
        pushItemAt(text, at + 1, shape.itemOffsets);
      }
    } else {
      depth--;
      if (depth === 1) inItems = false;
    }
  }
  return shape;
}

/** What the parsed value holds: its keys, and the colons inside its strings. */
interface ValueShape {
  keys: number;
  stringColons: number;
}

function colonsIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf(":"); at !== -1; at = text.indexOf(":", at + 1)) count++;
  return count;
}

/** False when the value holds a number the YAML path reads otherwise, or nests deeper than the fast path goes. */
function measureValue(value: unknown, depth: number, shape: ValueShape): boolean {
  if (typeof value === "string") {
    if (value.includes(":")) shape.stringColons += colonsIn(value);
    return true;
  }
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== "object" || value === null) return true;
  if (depth > MAX_FAST_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!measureValue(value[i], depth + 1, shape)) return false;
    return true;
  }
  for (const key in value) {
    shape.keys++;
    if (key.includes(":")) shape.stringColons += colonsIn(key);
    if (!measureValue((value as Record<string, unknown>)[key], depth + 1, shape)) return false;
  }
  return true;
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

/**
 * The keys JSON.parse kept equal the keys the text holds exactly when no key was written
 * twice. On one line, the text's keys are its colons minus those inside strings, which the
 * parsed value still holds (a dropped duplicate only takes colons away from it) unless an
 * escape spelled one (`\u003a`); otherwise, and for the lines of List items, the text is
 * scanned.
 */
export function readJsonDocument(text: string): ParsedDocument | undefined {
  const first = text.search(/\S/);
  if (first < 0 || text.charCodeAt(first) !== OPEN_BRACE || !hasNoIndent(text, first) || text.includes("\t")) return undefined;
  const value = tryJsonParse(text);
  if (!isMapping(value)) return undefined;
  const measured: ValueShape = { keys: 0, stringColons: 0 };
  if (!measureValue(value, 1, measured)) return undefined;
  const lines = new LineIndex(text);
  const line = lines.lineAt(first);
  let itemLines: number[];
  if (lines.count === 1 && !/\\u003a/i.test(text)) {
    if (colonsIn(text) - measured.stringColons !== measured.keys) return undefined;
    const items = value["items"];
    itemLines = Array.isArray(items) ? items.map(() => line) : [];
  } else {
    const shape = scanJson(text);
    if (shape.keys !== measured.keys) return undefined;
    itemLines = shape.itemOffsets.map((offset) => lines.lineAt(offset));
  }
  let fieldIndex: DocumentIndex | undefined;
  const indexed = () => (fieldIndex ??= indexDocument(parseEvents(text, {}), text, lines));
  return {
    index: 0,
    line,
    value,
    itemLines,
    lineOf: (field) => lookUpLine(indexed(), field),
  };
}
