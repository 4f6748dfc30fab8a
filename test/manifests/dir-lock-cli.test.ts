// The directory lock through the built CLI: rowers started together on a stale lock, a rower
// that loses its directory to another, a symlinked directory pointed elsewhere, a directory
// planted where the lock goes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventRecorder } from "../daemon/event-recorder.js";
import { BUNDLE, spawnDaemon, stopProcess, type SpawnedDaemon } from "../e2e/spawned-rower.js";
import { LOCK_FILE } from "../../src/manifests/dir-lock.js";
import { makeStaleLock } from "./stale-lock.js";

const RACE_ROUNDS = 32;
// Rounds run a few at a time: the test stays short, and the load varies how the pairs interleave.
const RACES_AT_ONCE = 4;
// Two rowers reach the lock within a few milliseconds of each other only by luck. Where strace
// can run, the first link, rename and unlink of each thread (taking the lock comes first)
// waits this long on entry, so the two takeovers overlap in most rounds: the old
// unlink-then-bind takeover let both win in about half of them.
const LOCK_SYSCALL_DELAY_US = 200_000;
const LOCK_SYSCALLS = "link,linkat,rename,renameat,renameat2,unlink,unlinkat";

function straceUsable(): boolean {
  return spawnSync("strace", ["-f", "-o", "/dev/null", "true"]).status === 0;
}

function pod(name: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: main\n    image: busybox:1.36\n`;
}

let root: string;
const daemons: SpawnedDaemon[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rower-lock-cli-"));
  await writeFile(join(root, "pods.yaml"), [pod("hello"), pod("web")].join("---\n"));
});
afterEach(async () => {
  for (const daemon of daemons.splice(0)) await stopProcess(daemon.child, "SIGKILL");
  await rm(root, { recursive: true, force: true });
});

function start(manifestDir: string, stateDir: string): SpawnedDaemon {
  const daemon = spawnDaemon(["--source", `file:${join(root, "pods.yaml")}`, "--manifest-dir", manifestDir, "--state-dir", stateDir, "--node-name", "node-1"], {});
  daemons.push(daemon);
  return daemon;
}

/** `rower run` with its first lock-taking syscalls slowed down by strace (the exit status is rower's). */
function startSlowed(manifestDir: string, stateDir: string): SpawnedDaemon {
  const rower = [BUNDLE, "run", "--log-format", "json", "--source", `file:${join(root, "pods.yaml")}`, "--manifest-dir", manifestDir,
    "--state-dir", stateDir, "--node-name", "node-1"];
  const child = spawn("strace", ["-f", "-qq", "-o", "/dev/null", "-e", `trace=${LOCK_SYSCALLS}`,
    "-e", `inject=${LOCK_SYSCALLS}:delay_enter=${LOCK_SYSCALL_DELAY_US}:when=1`, "--", process.execPath, ...rower], {
    stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "" },
  });
  const recorder = new EventRecorder();
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => recorder.feed(chunk));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const daemon = { child, recorder, exited };
  daemons.push(daemon);
  return daemon;
}

/**
 * Kills a rower started either way: the signal goes to rower itself (strace would detach on a
 * SIGTERM of its own). A kill, not a stop: what a round checks is over, and each has its own directory.
 */
async function killRower(daemon: SpawnedDaemon): Promise<void> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
  const pid = rowerPid(daemon) ?? daemon.child.pid;
  if (pid !== undefined) process.kill(pid, "SIGKILL");
  await daemon.exited;
}

/** The PID rower logs (under strace, the child is strace). */
function rowerPid(daemon: SpawnedDaemon): number | undefined {
  const pid = daemon.recorder.events.find((e) => typeof e.pid === "number")?.pid;
  return typeof pid === "number" ? pid : undefined;
}

/** "started" once the daemon says so, or its exit code if it ends first. */
function outcome(daemon: SpawnedDaemon): Promise<"started" | number | string> {
  return new Promise((resolve) => {
    // Registered after the recorder's own listener: the chunk is recorded when this runs.
    daemon.child.stderr?.on("data", () => {
      if (daemon.recorder.named("daemon.started").length > 0) resolve("started");
    });
    void daemon.exited.then(resolve);
  });
}

const files = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((f) => !f.startsWith(".")).sort();

describe("the directory lock, through rower run", () => {
  it(`${RACE_ROUNDS} rounds of two rowers started together on a stale lock: exactly one runs, the other exits 1 naming it`, async () => {
    const launch = straceUsable() ? startSlowed : start;
    if (launch === start) console.info("strace cannot run here: the rounds race at their natural timing, which rarely overlaps");
    const failures: string[] = [];
    const round = async (index: number): Promise<void> => {
      const dir = join(root, `round-${index}`, "manifests");
      await mkdir(dir, { recursive: true });
      await makeStaleLock(dir);
      const pair = [launch(dir, join(root, `round-${index}`, "state-a")), launch(dir, join(root, `round-${index}`, "state-b"))] as const;
      const results = await Promise.all(pair.map(outcome));
      const winners = pair.filter((_, i) => results[i] === "started");
      const losers = pair.filter((_, i) => results[i] !== "started");
      if (winners.length !== 1) {
        failures.push(`round ${index}: ${winners.length} rowers running (${results.join(", ")})`);
      } else {
        const [winner, loser] = [winners[0] as SpawnedDaemon, losers[0] as SpawnedDaemon];
        const refused = loser.recorder.named("daemon.refused")[0];
        if (results[pair.indexOf(loser)] !== 1 || !String(refused?.message).includes(`pid ${rowerPid(winner)}`)) {
          failures.push(`round ${index}: the loser exited ${results[pair.indexOf(loser)]} with ${JSON.stringify(refused)}`);
        }
      }
      for (const daemon of pair) await killRower(daemon);
    };
    for (let first = 0; first < RACE_ROUNDS; first += RACES_AT_ONCE) {
      await Promise.all(Array.from({ length: Math.min(RACES_AT_ONCE, RACE_ROUNDS - first) }, (_, i) => round(first + i)));
    }
    expect(failures).toEqual([]);
  }, 300_000); // only to fail a hung run: 64 rower start-ups take ~15 s on an idle 2-core machine

  it("a rower whose directory another rower now holds exits 1 at once (lock.lost); the other keeps it", async () => {
    // The daemon's manifest directory is a symlink; pointing it at a directory another rower
    // holds takes the lock from under it.
    const [first, second, link] = [join(root, "first"), join(root, "second"), join(root, "manifests")];
    await mkdir(first);
    await mkdir(second);
    await symlink(first, link);
    const moved = start(link, join(root, "state-moved"));
    await moved.recorder.next("sync.applied");
    const holder = start(second, join(root, "state-holder"));
    await holder.recorder.next("sync.applied");

    await symlink(second, `${link}.next`);
    await rename(`${link}.next`, link);
    moved.child.kill("SIGHUP");
    expect(await moved.exited).toBe(1);
    expect(moved.recorder.named("lock.lost")).toEqual([expect.objectContaining({ holderPid: holder.child.pid })]);

    const third = start(second, join(root, "state-third"));
    expect(await third.exited).toBe(1);
    expect(String(third.recorder.named("daemon.refused")[0]?.message)).toContain(`pid ${holder.child.pid}`);
  });

  it("a symlinked directory pointed elsewhere is followed and logged; the old record does not claim files there", async () => {
    const [first, second, link] = [join(root, "first"), join(root, "second"), join(root, "manifests")];
    await mkdir(first);
    await mkdir(second);
    await symlink(first, link);
    const daemon = start(link, join(root, "state"));
    expect(await daemon.recorder.next("sync.applied")).toMatchObject({ created: 2 });
    // web.yaml is on the record, but the web.yaml in the new target is someone else's.
    const theirs = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n# theirs\n";
    await writeFile(join(second, "web.yaml"), theirs);

    const mark = daemon.recorder.mark();
    await symlink(second, `${link}.next`);
    await rename(`${link}.next`, link);
    daemon.child.kill("SIGHUP");
    expect(await daemon.recorder.next("manifestDir.retargeted", mark)).toMatchObject({ from: first, to: second });
    expect(await daemon.recorder.next("sync.conflict", mark)).toMatchObject({ conflicts: 1 });
    expect(await readFile(join(second, "web.yaml"), "utf8")).toBe(theirs);
    expect((await lstat(join(second, LOCK_FILE))).isSocket()).toBe(true);
    await expect(lstat(join(first, LOCK_FILE))).rejects.toMatchObject({ code: "ENOENT" });

    // The new target is watched: clearing the conflict there is noticed and the set applied.
    const cleared = daemon.recorder.mark();
    await unlink(join(second, "web.yaml"));
    await daemon.recorder.next((e) => (e.event === "drift.repaired" || e.event === "sync.applied") && e.created === 2, cleared);
    expect(await files(second)).toEqual(["hello.yaml", "web.yaml"]);
    expect(await files(first)).toEqual(["hello.yaml", "web.yaml"]); // the old target is left as it was
  });

  it("a directory planted at .rower.lock: run refuses with an error naming it, and leaves it", async () => {
    const dir = join(root, "manifests");
    await mkdir(join(dir, LOCK_FILE), { recursive: true });
    const result = spawnSync(process.execPath, [BUNDLE, "run", "--once", "--source", `file:${join(root, "pods.yaml")}`, "--manifest-dir", dir,
      "--state-dir", join(root, "state"), "--node-name", "node-1", "--log-format", "json"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" }, timeout: 20_000 });
    expect(result.status).toBe(1);
    const refused = result.stderr.split("\n").filter((l) => l.includes('"daemon.refused"')).map((l) => JSON.parse(l) as { message: string });
    expect(refused).toHaveLength(1);
    expect(refused[0]?.message).toContain(join(dir, LOCK_FILE));
    expect(refused[0]?.message).toContain("a directory is at the lock path");
    expect((await lstat(join(dir, LOCK_FILE))).isDirectory()).toBe(true);
    expect(await files(dir)).toEqual([]);
  });
});
