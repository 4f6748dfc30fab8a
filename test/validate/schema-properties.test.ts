// Properties: the schema layer and the quantity parser take any input without throwing.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { YAML11_SCHEMA, load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { compareQuantities, parseQuantity } from "../../src/validate/quantity.js";
import { checkSchema } from "../../src/validate/schema/check-schema.js";

const FULL_POD = load(
  readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/schema/valid-full.yaml"), "utf8"),
  { schema: YAML11_SCHEMA },
) as Record<string, unknown>;

const RULES = new Set(["schema.type", "schema.unknownField", "schema.required", "schema.quantity", "schema.dateTime", "schema.apiVersion", "schema.kind"]);

/** Replaces the value at a random path inside `pod` with `replacement` (a structural copy). */
function splice(pod: unknown, steps: number[], replacement: unknown): unknown {
  if (steps.length === 0 || pod === null || typeof pod !== "object") return replacement;
  const [step = 0, ...rest] = steps;
  if (Array.isArray(pod)) {
    if (pod.length === 0) return replacement;
    const i = step % pod.length;
    return pod.map((v, j) => (j === i ? splice(v, rest, replacement) : v));
  }
  const keys = Object.keys(pod);
  if (keys.length === 0) return replacement;
  const key = keys[step % keys.length] as string;
  return { ...(pod as Record<string, unknown>), [key]: splice((pod as Record<string, unknown>)[key], rest, replacement) };
}

describe("checkSchema on arbitrary input", () => {
  it("never throws on any JSON value, and every error names a known rule", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      for (const e of checkSchema(value)) expect(RULES.has(e.rule)).toBe(true);
    }), { numRuns: 2000 });
  });

  it("never throws when any part of a full pod is replaced by any value", () => {
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 8 }), fc.jsonValue(), (steps, replacement) => {
      const errors = checkSchema(splice(FULL_POD, steps, replacement));
      for (const e of errors) expect(RULES.has(e.rule)).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe("parseQuantity on arbitrary input", () => {
  it("never throws on any string", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(..."0123456789.+-eEinumkKMGTP xi"), maxLength: 24 }), (text) => {
      parseQuantity(text);
    }), { numRuns: 5000 });
  });

  it("orders quantities consistently: antisymmetric, and equal to itself", () => {
    const quantityText = fc.tuple(fc.constantFrom("", "-", "+"), fc.nat(), fc.option(fc.nat()), fc.constantFrom("", "m", "k", "Ki", "Mi", "G", "e3", "e-12", "n"))
      .map(([sign, whole, fraction, suffix]) => `${sign}${whole}${fraction === null ? "" : `.${fraction}`}${suffix}`);
    fc.assert(fc.property(quantityText, quantityText, (a, b) => {
      const qa = parseQuantity(a);
      const qb = parseQuantity(b);
      expect(qa).toBeDefined();
      expect(qb).toBeDefined();
      if (!qa || !qb) return;
      expect(compareQuantities(qa, qa)).toBe(0);
      expect(compareQuantities(qa, qb)).toBe(-compareQuantities(qb, qa) || 0);
    }), { numRuns: 2000 });
  });
});
