// SIGKILL at random moments while changing pod sets are applied: no kill may leave a non-dot
// file that is not exactly one valid pod, and a restarted run converges. At least 100 kills
// of the built daemon, `rower run --once` (lock takeover, state file and apply all crash),
// about 0.2-0.4 s each; a few more of a driver applying long streams of sets per process
// (kills deep inside a stream). Some kills must land mid-write (a temp file left behind), or
// the suite proved nothing about writes. The seed is printed; CRASH_SEED=N replays a run.
// The bench runs more (bench/crash.bench.ts).
import { describe, expect, it } from "vitest";
import { runCrashRounds, type CrashRunner } from "./crash-rounds.js";

const KILLS: Record<CrashRunner, number> = { daemon: 100, driver: 15 };

describe("crash consistency", () => {
  for (const runner of ["daemon", "driver"] as const) {
    it(`${runner}: survives ${KILLS[runner]} SIGKILLs at random points of applying a changing pod stream`, async () => {
      const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 1_000_000));
      console.info(`crash ${runner}: seed ${seed} (CRASH_SEED=${seed} replays it)`);
      const report = await runCrashRounds({ kills: KILLS[runner], seed, runner });
      console.info(`crash ${runner}: seed ${seed}, ${report.kills} kills, ${report.killsLeavingTempFiles} mid-write, ${report.filesChecked} files checked`);
      expect(report.kills).toBe(KILLS[runner]);
      expect(report.filesChecked).toBeGreaterThan(0);
      expect(report.killsLeavingTempFiles, `seed ${seed}: no kill landed mid-write`).toBeGreaterThan(0);
    }, 300_000); // only to fail a hung run: about 30 s on an idle machine, far more on a loaded one
  }
});
