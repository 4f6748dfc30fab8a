// Passes over a document's parser events:
// - measureDocument (eager, cheap): node count and the size the document would have with
//   every alias expanded, so a billion-laughs payload is refused before validation walks a
//   tree of 10^9 shared nodes; and the document's first line;
// - indexDocument (lazy: only documents with errors need it): the line of every field path,
//   for `Document.lineOf`, and the text of each mapping key by offset, to name the key in a
//   duplicate-key error.
import { EVENT_ID, getScalarValue, type Event } from "js-yaml";
import type { LineIndex } from "./line-index.js";

interface Frame {
  kind: "mapping" | "sequence";
  /** Stored path form: `.key` per mapping key, `[n]` per sequence index; undefined inside keys. */
  path: string | undefined;
  index: number;
  expectingKey: boolean;
  pendingKey: string | undefined;
}

export interface DocumentSize {
  /** Line of the document's first node. */
  firstLine: number | undefined;
  nodes: number;
  expandedNodes: number;
  /** First line of each entry of a top-level `items` sequence (a List's pods), in order. */
  itemLines: number[];
}

export interface DocumentIndex {
  firstLine: number | undefined;
  lines: Map<string, number>;
  keysByOffset: Map<number, string>;
}

function startOf(e: Event): number {
  switch (e.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return e.anchorStart >= 0 ? e.anchorStart : e.start;
    case EVENT_ID.SCALAR:
      return [e.anchorStart, e.tagStart, e.valueStart].find((n) => n >= 0) ?? -1;
    case EVENT_ID.ALIAS:
      return e.anchorStart;
    default:
      return -1;
  }
}

export function measureDocument(events: readonly Event[], source: string, lines: LineIndex): DocumentSize {
  const size: DocumentSize = { firstLine: undefined, nodes: 0, expandedNodes: 0, itemLines: [] };
  const anchors = new Map<string, number>();
  const stack: { anchor: string | undefined; size: number; isItems: boolean }[] = [];
  // Top-level mapping keys alternate key, value: track them to spot the `items` sequence.
  let rootKeyNext = true;
  let rootKeyIsItems = false;
  const addSize = (n: number) => {
    const top = stack[stack.length - 1];
    if (top) top.size += n;
    else size.expandedNodes += n;
  };
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) continue;
    if (e.type === EVENT_ID.POP) {
      const done = stack.pop();
      if (!done) continue;
      if (done.anchor !== undefined) anchors.set(done.anchor, done.size);
      addSize(done.size);
      continue;
    }
    if (size.firstLine === undefined) {
      const offset = startOf(e);
      if (offset >= 0) size.firstLine = lines.lineAt(offset);
    }
    size.nodes++;
    let isItems = false;
    if (stack.length === 1) {
      if (rootKeyNext) rootKeyIsItems = e.type === EVENT_ID.SCALAR && getScalarValue(source, e) === "items";
      else isItems = rootKeyIsItems;
      rootKeyNext = !rootKeyNext;
    } else if (stack.length === 2 && stack[1]?.isItems) {
      const offset = startOf(e);
      if (offset >= 0) size.itemLines.push(lines.lineAt(offset));
    }
    if (e.type === EVENT_ID.ALIAS) {
      // An alias costs what its anchor expands to; an unknown alias is js-yaml's error to report.
      addSize(anchors.get(source.slice(e.anchorStart, e.anchorEnd)) ?? 1);
      continue;
    }
    const anchor = e.anchorStart >= 0 ? source.slice(e.anchorStart, e.anchorEnd) : undefined;
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) {
      stack.push({ anchor, size: 1, isItems: isItems && e.type === EVENT_ID.SEQUENCE });
    } else {
      if (anchor !== undefined) anchors.set(anchor, 1);
      addSize(1);
    }
  }
  return size;
}

export function indexDocument(events: readonly Event[], source: string, lines: LineIndex): DocumentIndex {
  const index: DocumentIndex = { firstLine: undefined, lines: new Map(), keysByOffset: new Map() };
  const stack: Frame[] = [];
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) continue;
    if (e.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    const offset = startOf(e);
    const line = offset >= 0 ? lines.lineAt(offset) : undefined;
    index.firstLine ??= line;

    // Where this node sits: a mapping key, a mapping value, a sequence item, or the root.
    let path: string | undefined = "";
    const parent = stack[stack.length - 1];
    if (parent?.kind === "mapping" && parent.expectingKey) {
      parent.expectingKey = false;
      path = undefined;
      if (e.type === EVENT_ID.SCALAR) {
        const key = getScalarValue(source, e);
        parent.pendingKey = key;
        if (offset >= 0) index.keysByOffset.set(offset, key);
        if (parent.path !== undefined && line !== undefined) index.lines.set(`${parent.path}.${key}`, line);
      } else {
        parent.pendingKey = undefined;
      }
    } else if (parent?.kind === "mapping") {
      parent.expectingKey = true;
      path = parent.path !== undefined && parent.pendingKey !== undefined ? `${parent.path}.${parent.pendingKey}` : undefined;
    } else if (parent?.kind === "sequence") {
      path = parent.path !== undefined ? `${parent.path}[${parent.index}]` : undefined;
      parent.index++;
      if (path !== undefined && line !== undefined) index.lines.set(path, line);
    }
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) {
      stack.push({ kind: e.type === EVENT_ID.MAPPING ? "mapping" : "sequence", path, index: 0, expectingKey: true, pendingKey: undefined });
    }
  }
  return index;
}

/** Turns a field path (`metadata.labels[app.kubernetes.io/name]`, `spec.containers[0]`) into the stored form. */
export function storedPathOf(field: string): string[] {
  const segments: string[] = [];
  const re = /\[([^\]]*)\]|\.?([^.[]+)/g;
  for (let m = re.exec(field); m; m = re.exec(field)) {
    if (m[1] !== undefined) segments.push(/^\d+$/.test(m[1]) ? `[${m[1]}]` : `.${m[1]}`);
    else if (m[2] !== undefined) segments.push(`.${m[2]}`);
  }
  return segments;
}

/** The line of a field, or of its nearest ancestor present in the source (a missing field's parent). */
export function lookUpLine(scan: DocumentIndex, field: string): number | undefined {
  const segments = storedPathOf(field);
  for (let n = segments.length; n > 0; n--) {
    const line = scan.lines.get(segments.slice(0, n).join(""));
    if (line !== undefined) return line;
  }
  return scan.firstLine;
}
