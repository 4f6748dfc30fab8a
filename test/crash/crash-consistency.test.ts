// SIGKILL at random moments while changing pod sets are applied: no kill may leave a non-dot
// file that is not exactly one valid pod, and a restarted run converges. At least 100 kills
// of the built daemon, `rower run --once` (lock takeover, state file and apply all crash),
// about 0.2-0.4 s each; a few more of a driver applying long streams of sets per process
// (kills deep inside a stream). The bench runs more (bench/crash.bench.ts); a failure names
// its seed to replay it.
import { describe, expect, it } from "vitest";
import { runCrashRounds, type CrashRunner } from "./crash-rounds.js";

const KILLS: Record<CrashRunner, number> = { daemon: 100, driver: 15 };

describe("crash consistency", () => {
  for (const runner of ["daemon", "driver"] as const) {
    it(`${runner}: survives ${KILLS[runner]} SIGKILLs at random points of applying a changing pod stream`, async () => {
      const seed = Math.floor(Math.random() * 1_000_000);
      const report = await runCrashRounds({ kills: KILLS[runner], seed, runner });
      expect(report.kills).toBe(KILLS[runner]);
      expect(report.filesChecked).toBeGreaterThan(0);
    }, 120_000);
  }
});
