// The manifest directory under pressure: a disk that fills mid-apply, two rowers racing for
// a stale lock, big and busy foreign files, SIGKILLs in the middle of writes.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, unlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCrashRounds } from "../../../test/crash/crash-rounds.js";
import type { SpawnedDaemon } from "../../../test/e2e/spawned-rower.js";
import { killRower, lockOutcome, makeStaleLock, startRowerSlowed, straceUsable } from "../../../test/manifests/stale-lock.js";
import { describeObservation, renderedSet } from "../observer.js";
import { Rig } from "../rig.js";
import type { SoakRow, TrialResult } from "../row.js";
import { BEFORE, BEFORE_FILES } from "./pod-sets.js";

const NAMES = ["a", "b", "c", "d", "e", "f"];
const padded = (padding: number, image = "busybox:1.36"): string => NAMES.map((name) => [
  "apiVersion: v1", "kind: Pod", "metadata:", `  name: ${name}`, "  annotations:", `    example.com/pad: "${"x".repeat(padding)}"`,
  "spec:", "  containers:", "  - name: main", `    image: ${image}`, "",
].join("\n")).join("---\n");

function mountable(): boolean {
  return spawnSync("mount", ["--version"]).status === 0 && process.getuid?.() === 0;
}

export const diskFull: SoakRow = {
  name: "the disk fills in the middle of an apply (a 160 KiB tmpfs)",
  trials: 10,
  trial: async (): Promise<TrialResult> => {
    if (!mountable()) return { lostFiles: 0, partialFiles: 0, mixedSets: 0, note: "skipped: mounting a tmpfs needs root" };
    const small = padded(0);
    const rig = await Rig.start({
      source: "file", initial: small,
      prepare: async (dir) => { execFileSync("mount", ["-t", "tmpfs", "-o", "size=160k,mode=0755", "tmpfs", dir]); },
      cleanup: async (dir) => { execFileSync("umount", [dir]); },
    });
    try {
      const { observer } = rig;
      observer.declare(renderedSet(small));
      observer.keep(NAMES.map((n) => `${n}.yaml`));
      observer.start();
      // Six pods of ~36 KiB each: the first few fit, the rest do not.
      const big = padded(36_000);
      observer.declare(renderedSet(big));
      let mark = rig.recorder.mark();
      await rig.writeServed(big);
      const failed = await rig.recorder.next((e) => e.event === "sync.failed" || e.event === "sync.applied", mark);
      // Space back: a set that fits is applied.
      const after = padded(0, "busybox:1.37");
      observer.expectFinal(renderedSet(after));
      mark = rig.recorder.mark();
      await rig.writeServed(after);
      const convergeMs = await observer.converged();
      const seen = await observer.stop();
      const note = [`${String(failed.event)} ${String(failed.code ?? "")}`.trim(), describeObservation(seen)].filter(Boolean).join("; ");
      return {
        lostFiles: seen.lostFiles, partialFiles: seen.partialFiles, mixedSets: seen.mixedSets, convergeMs, peakRssKb: await rig.peakRssKb(), note,
        ...(failed.event === "sync.failed" && failed.code === "ENOSPC" ? {} : { failure: `expected sync.failed ENOSPC, saw ${String(failed.event)}` }),
      };
    } finally {
      await rig.close();
    }
  },
};

export const staleLockRace: SoakRow = {
  name: "two rowers started together on a stale lock (strace widens the race)",
  trials: 30,
  trial: async (): Promise<TrialResult> => {
    const root = await mkdtemp(join(tmpdir(), "rower-soak-lock-"));
    const pair: SpawnedDaemon[] = [];
    try {
      const dir = join(root, "manifests");
      await mkdir(dir);
      await writeFile(join(root, "pods.yaml"), BEFORE);
      await makeStaleLock(dir);
      const slowed = straceUsable();
      for (const state of ["a", "b"]) pair.push(startRowerSlowed(join(root, "pods.yaml"), dir, join(root, `state-${state}`)));
      const results = await Promise.all(pair.map(lockOutcome));
      const winners = results.filter((r) => r === "started").length;
      return {
        lostFiles: 0, partialFiles: 0, mixedSets: 0, note: slowed ? "one winner per round" : "strace unavailable: natural timing",
        ...(winners === 1 ? {} : { failure: `${winners} rowers running (${results.join(", ")})` }),
      };
    } finally {
      for (const daemon of pair) await killRower(daemon);
      await rm(root, { recursive: true, force: true });
    }
  },
};

export const busyForeignFiles: SoakRow = {
  name: "twenty 10 MB foreign files, one touched every 20 ms, a rower file deleted",
  trials: 3,
  trial: async (_index, { quick }): Promise<TrialResult> => {
    const rig = await Rig.start({
      source: "file", initial: BEFORE, ignore: (name) => name.startsWith("foreign-"),
      prepare: async (dir) => {
        const big = Buffer.alloc(10 * 1024 * 1024, "# not a pod\n");
        for (let i = 0; i < 20; i++) await writeFile(join(dir, `foreign-${i}.yaml`), big);
      },
    });
    try {
      const cpuBefore = await cpuSeconds(rig);
      const touching = setInterval(() => {
        const now = new Date();
        void utimes(join(rig.manifestDir, "foreign-0.yaml"), now, now);
      }, 20);
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, quick ? 1_000 : 5_000));
      clearInterval(touching);
      const cpu = (await cpuSeconds(rig)) - cpuBefore;
      const seconds = (performance.now() - started) / 1000;
      // Drift repair with the big files there: delete a rower file, time its return.
      const { observer } = rig;
      observer.keep(BEFORE_FILES.filter((f) => f !== "hello.yaml"));
      observer.start();
      observer.expectFinal(renderedSet(BEFORE));
      await unlink(join(rig.manifestDir, "hello.yaml"));
      const convergeMs = await observer.converged();
      const seen = await observer.stop();
      return {
        lostFiles: seen.lostFiles, partialFiles: seen.partialFiles, mixedSets: seen.mixedSets, convergeMs, peakRssKb: await rig.peakRssKb(),
        note: `${cpu.toFixed(2)} CPU-s over ${seconds.toFixed(1)} s of touching; converge = drift repair`,
      };
    } finally {
      await rig.close();
    }
  },
};

async function cpuSeconds(rig: Rig): Promise<number> {
  const fields = (await readFile(`/proc/${rig.daemon?.pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  // utime and stime, fields 14 and 15 of /proc/PID/stat (11 and 12 after the command name).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const sigkills: SoakRow = {
  name: "SIGKILL at random points of applies (built run --once, and a stream driver)",
  trials: 1,
  trial: async (_index, { quick }): Promise<TrialResult> => {
    const seed = Math.floor(Math.random() * 1_000_000);
    const daemon = await runCrashRounds({ kills: quick ? 6 : 1_500, seed, runner: "daemon" });
    const driver = await runCrashRounds({ kills: quick ? 3 : 500, seed, runner: "driver" });
    const kills = daemon.kills + driver.kills;
    const midWrite = daemon.killsLeavingTempFiles + driver.killsLeavingTempFiles;
    return {
      lostFiles: 0, partialFiles: 0, mixedSets: 0,
      note: `${kills} kills (seed ${seed}), ${midWrite} landed mid-write, ${daemon.filesChecked + driver.filesChecked} files checked after kills, converged after each series`,
      ...(midWrite > 0 ? {} : { failure: "no kill landed mid-write" }),
    };
  },
};
