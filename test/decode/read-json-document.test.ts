// The JSON fast path must decode exactly as the YAML path does: same values, origins, lines
// and errors. A comment line after a payload forces the YAML path (the text is no longer
// JSON) and changes nothing else, so the two are compared directly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePayload } from "../../src/decode/decode-payload.js";
import type { Decoded } from "../../src/decode/document.js";
import { readJsonDocument } from "../../src/decode/read-json-document.js";

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (text: string): Decoded => decodePayload(encode(text), { source: "t", maxBytes: 1 << 22 });

/** Values, origins, errors and the line of every top-level field. */
function summary(decoded: Decoded): unknown {
  const line = (l: number | undefined) => l;
  const documents = decoded.kind === "empty" ? [] : (decoded.kind === "documents" ? decoded.documents : decoded.documents ?? []);
  return {
    kind: decoded.kind,
    errors: decoded.kind === "invalid" ? decoded.errors.map((e) => ({ ...e, origin: { ...e.origin, line: line(e.origin.line) }, line: line(e.line) })) : [],
    documents: documents.map((d) => ({
      origin: { ...d.origin, line: line(d.origin.line) },
      value: d.value,
      lines: ["", ...Object.keys(d.value as object)].map((field) => line(d.lineOf?.(field))),
    })),
  };
}

const WHITESPACE = ["", " ", "\n", "\r\n", "  \n  "];
const NUMBERS = ["0", "-0", "-0.0", "1", "-12", "1.5", "1e3", "1E+2", "-2.5e-3", "1e400", "9007199254740993", "18446744073709551616", "0.1"];
const STRINGS = ["items", "kind", "a", "", ":", "a:b", "::", "\u2028", "\u0085x", "a\u007f", "\ufeff", "#", "- x", "---", "...", "'", "&a", "*a", "!t", "\\", "é", "\ud800"];

type Token = string;
const space = fc.constantFrom(...WHITESPACE);
/** Escapes JSON.stringify never writes: a colon spelled \u003a is no colon in the text. */
const ESCAPED = ['"\\u003a"', '"x\\u003Ay"', '"\\u0069tems"', '"\\\\u003a"'];
const key = fc.oneof(fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 6 })).map((k) => JSON.stringify(k)), fc.constantFrom(...ESCAPED));
const scalar: fc.Arbitrary<Token> = fc.oneof(
  fc.constantFrom(...NUMBERS, "true", "false", "null", ...ESCAPED),
  fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 8 }), fc.string({ unit: "binary", maxLength: 4 })).map((s) => JSON.stringify(s)),
);
/** JSON text with random layout; keys may repeat, as a hand-written payload's might. */
const { value: jsonText } = fc.letrec<{ value: Token; object: Token; array: Token }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("object"), tie("array")),
  object: fc.array(fc.tuple(space, key, space, space, tie("value"), space), { maxLength: 5 })
    .map((entries) => `{${entries.map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`).join(",")}}`),
  array: fc.array(fc.tuple(space, tie("value"), space), { maxLength: 4 }).map((items) => `[${items.map(([a, v, b]) => `${a}${v}${b}`).join(",")}]`),
}));
const rootObject = fc.oneof(
  jsonText.filter((t) => t.startsWith("{")),
  fc.tuple(space, fc.array(fc.tuple(space, jsonText, space), { maxLength: 4 }), space)
    .map(([a, items, b]) => `${a}{"apiVersion":"v1",${b}"kind":"List","items":[${items.map(([x, v, y]) => `${x}${v}${y}`).join(",")}]}`),
);

describe("the JSON fast path", () => {
  it("decodes as the YAML path does: values, origins, lines, errors", () => {
    fc.assert(fc.property(rootObject, (text) => {
      expect(summary(decode(text))).toStrictEqual(summary(decode(`${text}\n# not JSON`)));
    }), { numRuns: 1500 });
  });

  it("is taken for plain JSON, and leaves duplicate keys, -0, tabs and deep nesting to the YAML path", () => {
    expect(readJsonDocument('{"a": [1, {"b": "c"}]}')).toBeDefined();
    expect(readJsonDocument('{"a": 1, "a": 2}')).toBeUndefined();
    expect(readJsonDocument('{"a": {"b": 1, "b": 2}}')).toBeUndefined();
    // One line: the colons inside strings are taken from the parsed value, which a dropped
    // duplicate's string leaves and an escaped colon joins.
    expect(readJsonDocument('{"a":"x:y","a":"z"}')).toBeUndefined();
    expect(readJsonDocument('{"a":"1","a":"2","b":"\\u003a"}')).toBeUndefined();
    expect(readJsonDocument('{"a:b":"c:d","e":["f:g"]}')).toBeDefined();
    expect(readJsonDocument('{"a:b":"c:d","e":"\\u003a"}')).toBeDefined();
    expect(readJsonDocument('{"a": -0}')).toBeUndefined();
    expect(readJsonDocument('{"a": 1e400}')).toBeUndefined();
    expect(readJsonDocument('{\t"a": 1}')).toBeUndefined();
    expect(readJsonDocument(`{"a":${"[".repeat(80)}${"]".repeat(80)}}`)).toBeUndefined();
  });

  it("reports a duplicate key in JSON as the YAML path does", () => {
    const decoded = decode('{"apiVersion": "v1",\n "kind": "Pod",\n "kind": "Pod"}');
    expect(decoded.kind).toBe("invalid");
    expect(decoded.kind === "invalid" && decoded.errors.map((e) => [e.rule, e.detail, e.line])).toEqual([["decode.duplicateKey", 'duplicate mapping key "kind"', 3]]);
  });

  it("gives List items the lines of their entries", () => {
    const decoded = decode('{"apiVersion": "v1", "kind": "List", "items": [\n  {"kind": "Pod"},\n\n  {"kind": "Pod"}\n]}');
    expect(decoded.kind === "documents" && decoded.documents.map((d) => [d.origin.item, d.origin.line])).toEqual([[0, 2], [1, 4]]);
  });
});
