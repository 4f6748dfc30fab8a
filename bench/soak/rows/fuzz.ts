// A million decode + validate cases (the fuzz test's cases, many more of them), seed printed.
import fc from "fast-check";
import { fuzzProperties } from "../../../test/fuzz/fuzz-cases.js";
import type { SoakRow, TrialResult } from "../row.js";

const RUNS = { mutatedPods: 500_000, randomBytes: 200_000, yamlishText: 300_000 } as const;

export const fuzzMillion: SoakRow = {
  name: "1,000,000 fuzzed payloads through decode + validate (+ render read-back)",
  trials: 1,
  trial: async (_index, { quick }): Promise<TrialResult> => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const properties = fuzzProperties();
    const started = performance.now();
    const runs = (n: number): { numRuns: number; seed: number } => ({ numRuns: quick ? Math.ceil(n / 1000) : n, seed });
    // One call per property: their argument types differ.
    const checks: Array<[string, () => fc.RunDetails<unknown>]> = [
      ["mutatedPods", () => fc.check(properties.mutatedPods, runs(RUNS.mutatedPods)) as fc.RunDetails<unknown>],
      ["randomBytes", () => fc.check(properties.randomBytes, runs(RUNS.randomBytes)) as fc.RunDetails<unknown>],
      ["yamlishText", () => fc.check(properties.yamlishText, runs(RUNS.yamlishText)) as fc.RunDetails<unknown>],
    ];
    let cases = 0;
    for (const [name, check] of checks) {
      const details = check();
      cases += details.numRuns;
      if (details.failed) {
        return { lostFiles: 0, partialFiles: 0, mixedSets: 0, failure: `${name}, seed ${seed}: ${fc.defaultReportMessage(details) ?? "failed"}`.slice(0, 2000) };
      }
    }
    const seconds = (performance.now() - started) / 1000;
    return { lostFiles: 0, partialFiles: 0, mixedSets: 0, note: `${cases.toLocaleString("en")} cases, seed ${seed}, ${Math.round(cases / seconds)} cases/s, none threw or erred without a place` };
  },
};
