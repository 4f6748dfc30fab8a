// The one gunzip of decode and the user-data shapes: the cap is exact, a corrupt stream
// is a reason, and nothing else is swallowed.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { gunzipCapped, isGzip } from "../../src/gzip/gunzip-capped.js";

const gzip = (bytes: Uint8Array): Uint8Array => new Uint8Array(gzipSync(bytes));

describe("gunzipCapped", () => {
  const cases: Array<{ desc: string; input: Uint8Array; maxBytes: number; expect: { ok: true; size: number } | { ok: false; reason: string } }> = [
    { desc: "a stream under the cap", input: gzip(new Uint8Array(99)), maxBytes: 100, expect: { ok: true, size: 99 } },
    { desc: "a stream exactly at the cap", input: gzip(new Uint8Array(100)), maxBytes: 100, expect: { ok: true, size: 100 } },
    { desc: "one byte over the cap", input: gzip(new Uint8Array(101)), maxBytes: 100, expect: { ok: false, reason: "tooLarge" } },
    { desc: "a bomb", input: gzip(new Uint8Array(20_000_000)), maxBytes: 1000, expect: { ok: false, reason: "tooLarge" } },
    { desc: "a corrupt stream", input: new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4]), maxBytes: 100, expect: { ok: false, reason: "corrupt" } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const result = gunzipCapped(c.input, c.maxBytes);
      expect(result.ok ? { ok: true, size: result.bytes.byteLength } : { ok: false, reason: result.reason }).toEqual(c.expect);
    });
  }

  it("recognises gzip by its two magic bytes only", () => {
    expect([isGzip(gzip(new Uint8Array(1))), isGzip(new Uint8Array([0x1f])), isGzip(new Uint8Array([0x1f, 0x8c]))]).toEqual([true, false, false]);
  });
});
