// CI runs every soak row once (`npm run soak` runs them many times and writes
// docs/reliability.md): no row may lose, tear or mix a file, or miss its own rule.
import { describe, expect, it } from "vitest";
import { runRow } from "../../bench/soak/row.js";
import { SOAK_ROWS } from "../../bench/soak/rows/index.js";

describe("every soak row, once (built CLI)", () => {
  for (const row of SOAK_ROWS) {
    it(row.name, async () => {
      const summary = await runRow(row, 1, () => undefined);
      expect(summary.failures).toEqual([]);
      expect({ lost: summary.lostFiles, partial: summary.partialFiles, mixed: summary.mixedSets, notes: summary.notes })
        .toMatchObject({ lost: 0, partial: 0, mixed: 0 });
    }, 120_000);
  }
});
