// A stale directory lock, as a SIGKILLed rower leaves it (a socket file nobody listens on),
// and rowers started on it: the lock tests and the soak's lock row race them the same way.
import { spawn, spawnSync } from "node:child_process";
import { link } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { LOCK_FILE } from "../../src/manifests/dir-lock.js";
import { EventRecorder } from "../daemon/event-recorder.js";
import { BUNDLE, type SpawnedDaemon } from "../e2e/spawned-rower.js";

// Two rowers reach the lock within a few milliseconds of each other only by luck. Where strace
// can run, the first link, rename and unlink of each thread (taking the lock comes first)
// waits this long on entry, so the two takeovers overlap in most rounds: the old
// unlink-then-bind takeover let both win in about half of them.
const LOCK_SYSCALL_DELAY_US = 200_000;
const LOCK_SYSCALLS = "link,linkat,rename,renameat,renameat2,unlink,unlinkat";

export function straceUsable(): boolean {
  return spawnSync("strace", ["-f", "-o", "/dev/null", "true"]).status === 0;
}

/** `rower run` with its first lock-taking syscalls slowed down by strace (the exit status is rower's). */
export function startRowerSlowed(podsFile: string, manifestDir: string, stateDir: string): SpawnedDaemon {
  const rower = [BUNDLE, "run", "--log-format", "json", "--source", `file:${podsFile}`, "--manifest-dir", manifestDir,
    "--state-dir", stateDir, "--node-name", "node-1"];
  const child = spawn("strace", ["-f", "-qq", "-o", "/dev/null", "-e", `trace=${LOCK_SYSCALLS}`,
    "-e", `inject=${LOCK_SYSCALLS}:delay_enter=${LOCK_SYSCALL_DELAY_US}:when=1`, "--", process.execPath, ...rower], {
    stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "" },
  });
  const recorder = new EventRecorder();
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => recorder.feed(chunk));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return { child, recorder, exited };
}

/**
 * Kills a rower started either way: the signal goes to rower itself (strace would detach on a
 * SIGTERM of its own). A kill, not a stop: what a round checks is over, and each has its own directory.
 */
export async function killRower(daemon: SpawnedDaemon): Promise<void> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
  const pid = rowerPid(daemon) ?? daemon.child.pid;
  if (pid !== undefined) process.kill(pid, "SIGKILL");
  await daemon.exited;
}

/** The PID rower logs (under strace, the child is strace). */
export function rowerPid(daemon: SpawnedDaemon): number | undefined {
  const pid = daemon.recorder.events.find((e) => typeof e.pid === "number")?.pid;
  return typeof pid === "number" ? pid : undefined;
}

/** "started" once the daemon says so, or its exit code if it ends first. */
export function lockOutcome(daemon: SpawnedDaemon): Promise<"started" | number | string> {
  return new Promise((resolve) => {
    // Registered after the recorder's own listener: the chunk is recorded when this runs.
    daemon.child.stderr?.on("data", () => {
      if (daemon.recorder.named("daemon.started").length > 0) resolve("started");
    });
    void daemon.exited.then(resolve);
  });
}

export async function makeStaleLock(lockDir: string): Promise<void> {
  const temp = join(lockDir, ".stale-socket");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(temp, resolve));
  await link(temp, join(lockDir, LOCK_FILE));
  // Closing unlinks the name it was bound at; the lock path keeps the dead socket.
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
