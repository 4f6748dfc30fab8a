// The poll pause: jitter bounds, and an abort ends it at once with no timer left behind.
import { describe, expect, it } from "vitest";
import { jitter, pollFloorMs, sleepWithJitter } from "../../src/sources/jittered-sleep.js";

describe("jitter", () => {
  const cases: Array<{ random: number; spread: number; expect: number }> = [
    { random: 0, spread: 0.1, expect: 9000 },
    { random: 0.5, spread: 0.1, expect: 10000 },
    { random: 1, spread: 0.1, expect: 11000 },
    { random: 0, spread: 1, expect: 0 },
  ];
  for (const c of cases) {
    it(`gives ${c.expect} ms for 10 s at spread ${c.spread} and random ${c.random}`, () => {
      expect(jitter(10_000, c.spread, () => c.random)).toBe(c.expect);
    });
  }
});

describe("pollFloorMs", () => {
  it("is jittered upward only: never under a second", () => {
    expect([pollFloorMs(() => 0), pollFloorMs(() => 0.5), pollFloorMs(() => 1)]).toEqual([1000, 1100, 1200]);
  });
});

describe("sleepWithJitter", () => {
  it("returns false when aborted, before or during the wait", async () => {
    const before = new AbortController();
    before.abort();
    expect(await sleepWithJitter(60_000, before.signal)).toBe(false);
    const during = new AbortController();
    const sleeping = sleepWithJitter(60_000, during.signal);
    during.abort();
    expect(await sleeping).toBe(false);
  });

  it("returns true after a short wait", async () => {
    expect(await sleepWithJitter(1, new AbortController().signal)).toBe(true);
  });
});
