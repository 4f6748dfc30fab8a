// Property-based fuzzing of decode + validate (cases in fuzz-cases.ts, which `npm run soak`
// runs a million times): mutated valid pods, random bytes and random YAML-ish text must never
// throw, and every rejection must say where. Run counts keep the file under ~20 s on 2 cores.
import fc from "fast-check";
import { describe, it } from "vitest";
import { fuzzProperties } from "./fuzz-cases.js";

/** Only to fail a hung run: a loaded 2-core CI machine may take several times the usual ~7 s. */
const FUZZ_TIMEOUT_MS = 180_000;

describe("fuzzing decode + validate", () => {
  const properties = fuzzProperties();
  it("survives thousands of mutated valid pods", { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(properties.mutatedPods, { numRuns: 3000 });
  });
  it("keeps keys that plain assignment would take for the prototype (a CI soak counterexample)", () => {
    for (const key of ["__proto__", "constructor", "toString"]) {
      for (const value of [[], null, "x", { image: "evil" }]) {
        for (const steps of [[], [3], [3, 0, 0]]) {
          for (const asJson of [false, true]) properties.checkMutated(0, [{ steps, op: "insert", key, value }], asJson);
        }
      }
    }
  });
  it("survives random bytes", { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(properties.randomBytes, { numRuns: 2000 });
  });
  it("survives random YAML-ish text", { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(properties.yamlishText, { numRuns: 3000 });
  });
});
