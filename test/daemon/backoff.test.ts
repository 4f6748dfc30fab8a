import { describe, expect, it } from "vitest";
import { backoffDelay, BACKOFF_MAX_MS } from "../../src/daemon/backoff.js";

describe("backoffDelay", () => {
  const cases: { attempt: number; low: number; high: number }[] = [
    { attempt: 1, low: 500, high: 1_000 },
    { attempt: 2, low: 1_000, high: 2_000 },
    { attempt: 3, low: 2_000, high: 4_000 },
    { attempt: 6, low: 16_000, high: 32_000 },
    { attempt: 7, low: 30_000, high: 60_000 },
    { attempt: 50, low: 30_000, high: 60_000 },
  ];
  for (const c of cases) {
    it(`attempt ${c.attempt} stays within [${c.low}, ${c.high}]`, () => {
      expect(backoffDelay(c.attempt, () => 0)).toBe(c.low);
      expect(backoffDelay(c.attempt, () => 1)).toBe(c.high);
      expect(backoffDelay(c.attempt, () => 0.5)).toBe(Math.round((c.low + c.high) / 2));
    });
  }
  it("never exceeds the cap", () => {
    for (let attempt = 1; attempt < 100; attempt++) expect(backoffDelay(attempt)).toBeLessThanOrEqual(BACKOFF_MAX_MS);
  });
});
