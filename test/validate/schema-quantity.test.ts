import { describe, expect, it } from "vitest";
import { compareQuantities, parseQuantity, parseQuantityValue, signOfQuantity, type Quantity } from "../../src/validate/quantity.js";

// Exact value in nano units, so expectations read as plain integers.
function toNanos(q: Quantity): bigint {
  const shift = q.scale + 9;
  return shift >= 0 ? q.unscaled * 10n ** BigInt(shift) : q.unscaled / 10n ** BigInt(-shift);
}

const NANO = 1_000_000_000n;

describe("parseQuantity accepts apimachinery's grammar", () => {
  const cases: Array<{ text: string; nanos: bigint }> = [
    { text: "0", nanos: 0n },
    { text: "1", nanos: NANO },
    { text: "100m", nanos: 100_000_000n },
    { text: "0.5", nanos: 500_000_000n },
    { text: ".5", nanos: 500_000_000n },
    { text: "1.", nanos: NANO },
    { text: "+2", nanos: 2n * NANO },
    { text: "-2", nanos: -2n * NANO },
    { text: "250n", nanos: 250n },
    { text: "3u", nanos: 3000n },
    { text: "1k", nanos: 1000n * NANO },
    { text: "128M", nanos: 128_000_000n * NANO },
    { text: "2G", nanos: 2_000_000_000n * NANO },
    { text: "1E", nanos: 10n ** 18n * NANO },
    { text: "1Ki", nanos: 1024n * NANO },
    { text: "64Mi", nanos: 64n * 1024n * 1024n * NANO },
    { text: "1.5Gi", nanos: 1536n * 1024n * 1024n * NANO },
    { text: "1e3", nanos: 1000n * NANO },
    { text: "1E3", nanos: 1000n * NANO },
    { text: "5e-3", nanos: 5_000_000n },
    { text: "2e+2", nanos: 200n * NANO },
    { text: "0.0000000001", nanos: 1n }, // below a nano: rounded up, as apimachinery does
    { text: "-0.0000000001", nanos: -1n },
    { text: "007", nanos: 7n * NANO },
    { text: "m", nanos: 0n }, // apimachinery reads an empty number as 0
    { text: "Ki", nanos: 0n },
    { text: "99999999999999999999", nanos: 99999999999999999999n * NANO }, // decimal: exact, not capped
    { text: "99999999999999999999Ki", nanos: ((1n << 63n) - 1n) * NANO }, // binary: capped at int64 max
    { text: "1.5Ki", nanos: 1536n * NANO },
    { text: "0.5Ki", nanos: 512n * NANO },
    { text: "1.0000000001Ki", nanos: 1024n * NANO + 103n }, // 102.4 nano rounds up
    { text: "1.5e-10", nanos: 1n },
  ];
  it.each(cases)("$text", ({ text, nanos }) => {
    const q = parseQuantity(text);
    expect(q).toBeDefined();
    expect(toNanos(q as Quantity)).toBe(nanos);
  });
});

describe("parseQuantity refuses what apimachinery refuses", () => {
  const cases = ["", "abc", "1Gb", "1 Gi", "1.2.3", "1e", "1Mii", "1KiB", "--1", "1e1.5", "1e+", "0x10", "1_000", "+.e-20", "1i"];
  it.each(cases)("%j", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe("parseQuantityValue reads JSON values as Quantity.UnmarshalJSON does", () => {
  const cases: Array<{ name: string; value: unknown; nanos: bigint | undefined }> = [
    { name: "integer number", value: 1, nanos: NANO },
    { name: "fractional number", value: 0.5, nanos: 500_000_000n },
    { name: "string with spaces", value: " 2Gi ", nanos: 2n * 1024n ** 3n * NANO },
    { name: "boolean", value: true, nanos: undefined },
    { name: "object", value: { cpu: 1 }, nanos: undefined },
    { name: "infinity", value: Number.POSITIVE_INFINITY, nanos: undefined },
  ];
  it.each(cases)("$name", ({ value, nanos }) => {
    const q = parseQuantityValue(value);
    expect(q === undefined ? undefined : toNanos(q)).toBe(nanos);
  });
});

describe("compareQuantities orders exact values", () => {
  const cases: Array<{ a: string; b: string; order: -1 | 0 | 1 }> = [
    { a: "1", b: "1000m", order: 0 },
    { a: "500m", b: "1", order: -1 },
    { a: "1Gi", b: "1G", order: 1 },
    { a: "1024Mi", b: "1Gi", order: 0 },
    { a: "0.1", b: "100m", order: 0 },
    { a: "-1", b: "0", order: -1 },
    { a: "-2", b: "-1", order: -1 },
    { a: "1e2000000000", b: "1e1999999999", order: 1 },
    { a: "1e2000000000", b: "10e1999999999", order: 0 },
    { a: "129M", b: "128Mi", order: -1 },
    { a: "0", b: "-0", order: 0 },
    { a: "-1", b: "-1000m", order: 0 },
  ];
  it.each(cases)("$a vs $b", ({ a, b, order }) => {
    const qa = parseQuantity(a) as Quantity;
    const qb = parseQuantity(b) as Quantity;
    expect(compareQuantities(qa, qb)).toBe(order);
    expect(compareQuantities(qb, qa)).toBe(-order || 0);
  });

  it("signOfQuantity", () => {
    expect([signOfQuantity(parseQuantity("-1m") as Quantity), signOfQuantity(parseQuantity("0") as Quantity), signOfQuantity(parseQuantity("1n") as Quantity)]).toEqual([-1, 0, 1]);
  });
});

describe("parsed quantities are remembered", () => {
  it("gives the same value for the same text, frozen, and stays right once the memory empties", () => {
    const first = parseQuantity("64Mi");
    expect(first).toBeDefined();
    expect(parseQuantity("64Mi")).toEqual(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(parseQuantity("12x")).toBeUndefined();
    expect(parseQuantity("12x")).toBeUndefined();
    for (let i = 0; i < 3000; i++) expect(toNanos(parseQuantity(`${i}m`) as Quantity)).toBe(BigInt(i) * 1_000_000n);
    expect(toNanos(parseQuantity("64Mi") as Quantity)).toBe(64n * 1024n * 1024n * NANO);
  });
});
