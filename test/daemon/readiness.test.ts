import { describe, expect, it } from "vitest";
import { ReadinessTracker } from "../../src/daemon/readiness.js";

type Step = (tracker: ReadinessTracker) => void;

describe("ReadinessTracker", () => {
  const cases: { desc: string; steps: Step[]; ready: boolean; reason?: string }[] = [
    { desc: "no sync yet", steps: [], ready: false, reason: "no-sync-yet" },
    { desc: "synced", steps: [(t) => t.recordSyncSucceeded("r1")], ready: true },
    { desc: "refused revision", steps: [(t) => t.recordSyncSucceeded("r1"), (t) => t.recordRevisionRefused("r2", "2 errors")], ready: false, reason: "revision-refused" },
    { desc: "apply failed", steps: [(t) => t.recordSyncFailed("EACCES")], ready: false, reason: "sync-failed" },
    { desc: "two source failures stay ready", steps: [(t) => t.recordSyncSucceeded("r1"), (t) => t.recordSourceFailed("x"), (t) => t.recordSourceFailed("x")], ready: true },
    {
      desc: "three source failures in a row",
      steps: [(t) => t.recordSyncSucceeded("r1"), (t) => t.recordSourceFailed("x"), (t) => t.recordSourceFailed("x"), (t) => t.recordSourceFailed("x")],
      ready: false, reason: "source-failing",
    },
    {
      desc: "a reached source resets the count",
      steps: [(t) => t.recordSyncSucceeded("r1"), (t) => t.recordSourceFailed("x"), (t) => t.recordSourceFailed("x"), (t) => t.recordSourceReached(), (t) => t.recordSourceFailed("x")],
      ready: true,
    },
    { desc: "a good revision after a refused one", steps: [(t) => t.recordRevisionRefused("r2", "bad"), (t) => t.recordSyncSucceeded("r3")], ready: true },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const tracker = new ReadinessTracker();
      for (const step of c.steps) step(tracker);
      const readiness = tracker.current();
      expect(readiness.ready).toBe(c.ready);
      if (!readiness.ready) expect(readiness.reason).toBe(c.reason);
    });
  }
});

describe("ReadinessTracker staleness: a hung watch is not ready", () => {
  const at = { now: 0 };
  const tracker = (): ReadinessTracker => new ReadinessTracker({ staleAfterMs: () => 66_200, now: () => at.now });
  it("ready while the source answered within staleAfterMs, stale past it, ready again on the next answer", () => {
    at.now = 0;
    const t = tracker();
    t.recordSourceReached();
    t.recordSyncSucceeded("r1");
    at.now = 66_200;
    expect(t.current().ready).toBe(true);
    at.now = 66_201;
    expect(t.current()).toMatchObject({ ready: false, reason: "source-stale", detail: expect.stringContaining("within 66 s") });
    t.recordSourceReached();
    expect(t.current().ready).toBe(true);
  });
  it("reads staleAfterMs at each check (auto detection changes it)", () => {
    at.now = 0;
    let limit = 10_000;
    const t = new ReadinessTracker({ staleAfterMs: () => limit, now: () => at.now });
    t.recordSourceReached();
    t.recordSyncSucceeded("r1");
    at.now = 20_000;
    expect(t.current().ready).toBe(false);
    limit = 30_000;
    expect(t.current().ready).toBe(true);
  });
});
