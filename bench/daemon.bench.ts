// The daemon's speed and size, against the built bundle and the real GCE emulator (targets from
// issue 14, each row printed with "met" or "MISSED"):
// - `rower run --once` applying 110 pods (the kubelet's default pod limit) into an empty
//   directory, as a ratio to `node -e 0` (interleaved runs, medians; target <= 2.5x);
// - idle daemon RSS after 60 s (target <= 50 MB) and CPU over those 60 s of long-polling (<= 0.5 %);
// - edit-to-file latency in the default configuration: the emulator holding the new value (its
//   change notification; the edit is an admin PUT) -> the daemon's `manifest.written` line
//   (logged once the rename and the directory's fsync are done), p50/p99 over 100 edits (target
//   p99 <= 25 ms), after one first edit timed on its own row (it pays one-off costs on both
//   sides); the same from the start of the PUT, informational. The edits are spaced beyond the coalescing window
//   (1 s after the last applied change), so each is a first change, applied at once: back to
//   back they would measure the window, not rower;
// - RSS growth over edits: a second daemon with `--coalesce 0` (every edit applied) takes
//   10,000 edits; RSS after 10,000 must be within 10 MB of RSS after 100.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../src/emulator/start-emulator.js";
import { DAEMON_NODE_FLAGS } from "../tools/daemon-node-flags.js";

const BUNDLE = "dist/rower.cjs";
const EDITS = Number(process.env.BENCH_EDITS ?? 100);
/** Latency edits start this long after the previous one was applied: beyond the 1 s coalescing window. */
const EDIT_SPACING_MS = 1_050;
const LEAK_EDITS = Number(process.env.BENCH_LEAK_EDITS ?? 10_000);
const LEAK_CHECKPOINTS = [100, 1_000, 10_000].filter((n) => n <= LEAK_EDITS);
const TARGETS = { onceRatio: 2.5, idleRssMb: 50, idleCpuPercent: 0.5, p99Ms: 25, rssGrowthMb: 10 };
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 60_000);
/** The daemon runs as the image and units launch it; BENCH_NODE_FLAGS replaces those flags to compare. */
const NODE_FLAGS = process.env.BENCH_NODE_FLAGS === undefined ? DAEMON_NODE_FLAGS : process.env.BENCH_NODE_FLAGS.split(" ").filter((flag) => flag !== "");
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);

function pod(name: string, image = "nginx:1.27"): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: main\n      image: ${image}\n      resources:\n        limits:\n          memory: 64Mi\n`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Spawns `rower run` and resolves each JSON event as it arrives. */
function spawnDaemon(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [...NODE_FLAGS, BUNDLE, "run", "--log-format", "json", ...args], {
    stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "", ...env },
  });
  const waiters: { event: string; resolve: (at: number) => void }[] = [];
  let partial = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    const at = performance.now();
    partial += chunk;
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      const event = (JSON.parse(line) as { event?: string }).event;
      const index = waiters.findIndex((w) => w.event === event);
      if (index >= 0) waiters.splice(index, 1)[0]?.resolve(at);
    }
  });
  return {
    child,
    next: (event: string) => new Promise<number>((resolve) => waiters.push({ event, resolve })),
  };
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

const verdict = (met: boolean): string => (met ? "met" : "MISSED");
const setWith = (image: string): string => [pod("hello", image), pod("clock", "busybox:1.36")].join("---\n");

async function measureIdleAndEdits(root: string): Promise<Record<string, string>> {
  const served = join(root, "pods.yaml");
  await writeFile(served, [pod("hello"), pod("clock", "busybox:1.36")].join("---\n"));
  const emulator = await startEmulator("gce", { file: served });
  const admin = `${emulator.url}/_emulator/instance/attributes/kube-pods`;
  const daemon = spawnDaemon(["--source", "gce", "--manifest-dir", join(root, "m"), "--state-dir", join(root, "s"), "--node-name", "bench"], emulator.env);
  try {
    await daemon.next("sync.applied");
    // Idle first, on a fresh daemon: what a node pays while nothing changes.
    const pid = daemon.child.pid ?? 0;
    const ticksBefore = await cpuTicks(pid);
    const idleStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const seconds = (performance.now() - idleStart) / 1000;
    const cpuPercent = (((await cpuTicks(pid)) - ticksBefore) / CLOCK_TICKS / seconds) * 100;
    const idleRss = await rssMb(pid);

    // manifest.written is logged after the rename and the directory's fsync: the moment the
    // kubelet can see the file, durably.
    // Each edit is timed twice: from the moment the emulator holds the new value (its change
    // notification, in this process) and from the start of this process's admin PUT, which adds
    // the harness's own HTTP request (fetch, the emulator's admin route) to rower's part.
    const timeEdit = async (image: string): Promise<{ fromChange: number; fromPut: number }> => {
      const applied = daemon.next("manifest.written");
      const started = performance.now();
      await fetch(admin, { method: "PUT", body: setWith(image) });
      const changedAt = emulator.state.notifier.lastChangeAt ?? started;
      const at = await applied;
      await new Promise((resolve) => setTimeout(resolve, EDIT_SPACING_MS));
      return { fromChange: at - changedAt, fromPut: at - started };
    };
    // The first edit also times one-off work on both sides: this process's first PUT through
    // fetch and the emulator's admin route, and the daemon's first update (every earlier write
    // was a create). It gets its own row; the percentiles are over the edits after it.
    const firstEdit = await timeEdit("nginx:1.first");
    const edits: { fromChange: number; fromPut: number }[] = [];
    for (let i = 0; i < EDITS; i++) edits.push(await timeEdit(`nginx:1.${i}`));
    const latencies = edits.map((e) => e.fromChange).sort((a, b) => a - b);
    const fromPut = edits.map((e) => e.fromPut).sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    return {
      [`idle RSS after ${Math.round(seconds)} s (target ≤ ${TARGETS.idleRssMb} MB)`]: `${idleRss.toFixed(1)} MB (${verdict(idleRss <= TARGETS.idleRssMb)})`,
      [`idle CPU over ${Math.round(seconds)} s (target ≤ ${TARGETS.idleCpuPercent} %)`]: `${cpuPercent.toFixed(3)} % (${verdict(cpuPercent <= TARGETS.idleCpuPercent)})`,
      ["edit→file, the first edit after idle (not in the percentiles)"]: `${firstEdit.fromChange.toFixed(1)} ms (${firstEdit.fromPut.toFixed(1)} ms from the PUT)`,
      [`edit→file p50, from the emulator's change (the ${EDITS} edits after it, ${EDIT_SPACING_MS} ms apart)`]: `${percentile(latencies, 50).toFixed(1)} ms`,
      [`edit→file p99, from the emulator's change (target ≤ ${TARGETS.p99Ms} ms)`]: `${p99.toFixed(1)} ms (${verdict(p99 <= TARGETS.p99Ms)})`,
      ["edit→file p50 / p99, from the start of the admin PUT"]: `${percentile(fromPut, 50).toFixed(1)} / ${percentile(fromPut, 99).toFixed(1)} ms (informational)`,
      [`RSS right after the ${EDITS} edits`]: `${(await rssMb(pid)).toFixed(1)} MB`,
    };
  } finally {
    daemon.child.kill("SIGTERM");
    await once(daemon.child, "exit");
    await emulator.close();
  }
}

/** `--coalesce 0` so every edit is applied; edits back to back, each awaited; RSS read at the checkpoints. */
async function measureRssGrowth(root: string): Promise<Record<string, string>> {
  const served = join(root, "leak.yaml");
  await writeFile(served, setWith("nginx:1.0"));
  const emulator = await startEmulator("gce", { file: served });
  const admin = `${emulator.url}/_emulator/instance/attributes/kube-pods`;
  const daemon = spawnDaemon(["--source", "gce", "--coalesce", "0", "--manifest-dir", join(root, "leak-m"), "--state-dir", join(root, "leak-s"), "--node-name", "bench"], emulator.env);
  try {
    await daemon.next("sync.applied");
    const pid = daemon.child.pid ?? 0;
    const rssAt = new Map<number, number>();
    const started = performance.now();
    for (let i = 1; i <= LEAK_EDITS; i++) {
      const applied = daemon.next("manifest.written");
      await fetch(admin, { method: "PUT", body: setWith(`nginx:1.${i}`) });
      await applied;
      if (LEAK_CHECKPOINTS.includes(i)) rssAt.set(i, await rssMb(pid));
    }
    const seconds = (performance.now() - started) / 1000;
    const base = rssAt.get(100) ?? NaN;
    const last = rssAt.get(LEAK_CHECKPOINTS.at(-1) ?? 100) ?? NaN;
    const growth = last - base;
    const rows: Record<string, string> = {};
    for (const [n, mb] of rssAt) rows[`RSS after ${n.toLocaleString("en")} edits (--coalesce 0)`] = `${mb.toFixed(1)} MB`;
    rows[`RSS growth 100 → ${LEAK_EDITS.toLocaleString("en")} edits (target ≤ ${TARGETS.rssGrowthMb} MB)`] =
      `${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB (${verdict(Math.abs(growth) <= TARGETS.rssGrowthMb)}; ${Math.round(LEAK_EDITS / seconds)} edits/s)`;
    return rows;
  } finally {
    daemon.child.kill("SIGTERM");
    await once(daemon.child, "exit");
    await emulator.close();
  }
}

/** Runs a process to completion without blocking this event loop (the emulator lives here). */
async function runProcess(args: string[], env?: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${args.join(" ")} exited ${code}: ${stderr}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function measureOnce(root: string): Promise<Record<string, string>> {
  const served = join(root, "pods110.yaml");
  await writeFile(served, Array.from({ length: 110 }, (_, i) => pod(`pod-${i}`)).join("---\n"));
  const emulator = await startEmulator("gce", { file: served });
  try {
    const env = { PATH: process.env.PATH ?? "", ...emulator.env };
    const runOnce = (dir: string) => runProcess(
      [...NODE_FLAGS, BUNDLE, "run", "--once", "--log-format", "json", "--source", "gce", "--manifest-dir", dir, "--state-dir", `${dir}-state`, "--node-name", "bench"], env,
    );
    // Interleaved, so load from elsewhere on the machine falls on all three alike.
    const runs = 9;
    const times = { node: [] as number[], empty: [] as number[], unchanged: [] as number[] };
    const timed = async (into: number[], run: () => Promise<void>): Promise<void> => {
      const started = performance.now();
      await run();
      into.push(performance.now() - started);
    };
    await runProcess(["-e", "0"]); // warm the file cache for both before timing
    await runOnce(join(root, "once-warm"));
    for (let i = 0; i < runs; i++) {
      await timed(times.node, () => runProcess(["-e", "0"]));
      await timed(times.empty, () => runOnce(join(root, `once-${i}`)));
      await timed(times.unchanged, () => runOnce(join(root, "once-warm")));
    }
    const nodeMs = median(times.node);
    const onceMs = median(times.empty);
    const unchangedMs = median(times.unchanged);
    const ratio = onceMs / nodeMs;
    return {
      [`node -e 0 (median of ${runs})`]: `${nodeMs.toFixed(0)} ms`,
      [`run --once, 110 pods into an empty dir (target ≤ ${TARGETS.onceRatio}×)`]: `${onceMs.toFixed(0)} ms (${ratio.toFixed(2)}× node -e 0, ${verdict(ratio <= TARGETS.onceRatio)})`,
      "run --once, 110 pods, nothing to do": `${unchangedMs.toFixed(0)} ms (${(unchangedMs / nodeMs).toFixed(2)}× node -e 0)`,
    };
  } finally {
    await emulator.close();
  }
}

const root = await mkdtemp(join(tmpdir(), "rower-bench-"));
try {
  const rows = { ...(await measureOnce(root)), ...(await measureIdleAndEdits(root)), ...(await measureRssGrowth(root)) };
  const width = Math.max(...Object.keys(rows).map((k) => k.length));
  for (const [name, value] of Object.entries(rows)) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
