// Where and why bytes are not JSON, with JSON.parse as the oracle: the scan refuses exactly
// what JSON.parse refuses, and where V8's message names a position, the scan names the same.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeJsonError, locateJsonError } from "../../src/sources/locate-json-error.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** JSON.parse's verdict: ok, or the position its message names (undefined when it names none). */
function oracle(text: string): { ok: true } | { ok: false; position: number | undefined } {
  try {
    JSON.parse(text);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const position = /at position (\d+)/.exec(err.message)?.[1];
    return { ok: false, position: position === undefined ? undefined : Number(position) };
  }
}

describe("locateJsonError", () => {
  const cases: Array<{ text: string; expect: { offset: number; problem: string } | undefined }> = [
    { text: '{"a": [1, 2.5e-3, true, null, "x\\u00e9"]}', expect: undefined },
    { text: "pods: not-json", expect: { offset: 0, problem: "unexpected byte" } },
    { text: '{"a": 1', expect: { offset: 7, problem: "unexpected end" } },
    { text: '{"a": 1,}', expect: { offset: 8, problem: "unexpected byte" } },
    { text: '{"a": 01}', expect: { offset: 7, problem: "unexpected byte" } },
    { text: '{"a": -}', expect: { offset: 7, problem: "bad number" } },
    { text: '{"a": "x\ny"}', expect: { offset: 8, problem: "control byte in a string" } },
    { text: '{"a": "\\q"}', expect: { offset: 8, problem: "bad escape" } },
    { text: '{"a": "\\u12g4"}', expect: { offset: 11, problem: "bad escape" } },
    { text: "[1] [2]", expect: { offset: 4, problem: "data after the value" } },
    { text: "tru", expect: { offset: 3, problem: "unexpected end" } },
    { text: "", expect: { offset: 0, problem: "unexpected end" } },
    { text: `${"[".repeat(100_000)}${"]".repeat(99_999)}`, expect: { offset: 199_999, problem: "unexpected end" } },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.text.slice(0, 40))}: ${c.expect === undefined ? "JSON" : `${c.expect.problem} at ${c.expect.offset}`}`, () => {
      expect(locateJsonError(bytes(c.text))).toEqual(c.expect);
    });
  }

  it("agrees with JSON.parse on mutated JSON texts (accepts exactly what it accepts, same position where it names one)", () => {
    const pieces = ["{", "}", "[", "]", ",", ":", '"', "\\", "0", "-", ".", "e", "t", "n", " ", "\n", "\u0001", "x"];
    const mutated = fc.tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom(...pieces), fc.boolean()).map(([text, at, piece, insert]) => {
      const index = text.length === 0 ? 0 : at % text.length;
      return insert ? text.slice(0, index) + piece + text.slice(index) : text.slice(0, index) + text.slice(index + 1);
    });
    fc.assert(
      fc.property(mutated, (text) => {
        const verdict = oracle(text);
        const located = locateJsonError(bytes(text));
        expect(located === undefined).toBe(verdict.ok);
        // Offsets are bytes, V8's positions UTF-16 units: compare on ASCII texts only.
        if (!verdict.ok && verdict.position !== undefined && /^[\x00-\x7f]*$/.test(text)) expect(located?.offset).toBe(verdict.position);
      }),
      { numRuns: 3000, seed: 9 },
    );
  });

  it("describes the error by problem, offset and size, quoting nothing", () => {
    const secret = "password: hunter2-do-not-log";
    expect(describeJsonError(bytes(secret), "attribute directory")).toBe(`attribute directory is not JSON: unexpected byte at byte 0 of ${secret.length}`);
  });
});
