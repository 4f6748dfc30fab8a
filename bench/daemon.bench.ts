// The daemon's speed and size, against the built bundle and the real GCE emulator:
// - edit-to-file latency: emulator admin PUT → the daemon's `manifest.written` line (logged right
//   after the rename makes the new file visible), p50/p99 over 200 edits; target p99 ≤ 100 ms;
// - `rower run --once` applying 110 pods (the kubelet's default pod limit), as a ratio to `node -e 0`;
// - idle daemon RSS after 60 s (target ≤ 64 MB) and CPU over those 60 s of long-polling (target ≤ 0.5 %).
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../src/emulator/start-emulator.js";

const BUNDLE = "dist/rower.mjs";
const EDITS = Number(process.env.BENCH_EDITS ?? 200);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 60_000);
/** Extra node flags for the daemon, to compare heap settings (e.g. `--max-semi-space-size=1`). */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter((flag) => flag !== "");
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

    const latencies: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      // manifest.written is logged right after the rename: the moment the kubelet can see the file.
      const applied = daemon.next("manifest.written");
      const started = performance.now();
      await fetch(admin, { method: "PUT", body: [pod("hello", `nginx:1.${i}`), pod("clock", "busybox:1.36")].join("---\n") });
      latencies.push((await applied) - started);
    }
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    const verdict = (met: boolean): string => (met ? "met" : "MISSED");
    return {
      [`idle RSS after ${Math.round(seconds)} s (target ≤ 64 MB)`]: `${idleRss.toFixed(1)} MB (${verdict(idleRss <= 64)})`,
      [`idle CPU over ${Math.round(seconds)} s (target ≤ 0.5 %)`]: `${cpuPercent.toFixed(3)} % (${verdict(cpuPercent <= 0.5)})`,
      [`edit→file p50 (${EDITS} edits)`]: `${percentile(latencies, 50).toFixed(1)} ms`,
      [`edit→file p99 (target ≤ 100 ms)`]: `${p99.toFixed(1)} ms (${verdict(p99 <= 100)})`,
      [`RSS right after the ${EDITS} edits`]: `${(await rssMb(pid)).toFixed(1)} MB`,
    };
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

async function medianMs(runs: number, run: (i: number) => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

async function measureOnce(root: string): Promise<Record<string, string>> {
  const served = join(root, "pods110.yaml");
  await writeFile(served, Array.from({ length: 110 }, (_, i) => pod(`pod-${i}`)).join("---\n"));
  const emulator = await startEmulator("gce", { file: served });
  try {
    const env = { PATH: process.env.PATH ?? "", ...emulator.env };
    const runOnce = (dir: string) => runProcess(
      [BUNDLE, "run", "--once", "--log-format", "json", "--source", "gce", "--manifest-dir", dir, "--state-dir", `${dir}-state`, "--node-name", "bench"], env,
    );
    const onceMs = await medianMs(7, (i) => runOnce(join(root, `once-${i}`)));
    const unchangedMs = await medianMs(7, () => runOnce(join(root, "once-0")));
    const nodeMs = await medianMs(7, () => runProcess(["-e", "0"]));
    return {
      "node -e 0 (median of 7)": `${nodeMs.toFixed(0)} ms`,
      "run --once, 110 pods into an empty dir": `${onceMs.toFixed(0)} ms (${(onceMs / nodeMs).toFixed(1)}× node -e 0)`,
      "run --once, 110 pods, nothing to do": `${unchangedMs.toFixed(0)} ms (${(unchangedMs / nodeMs).toFixed(1)}× node -e 0)`,
    };
  } finally {
    await emulator.close();
  }
}

const root = await mkdtemp(join(tmpdir(), "rower-bench-"));
try {
  const rows = { ...(await measureOnce(root)), ...(await measureIdleAndEdits(root)) };
  const width = Math.max(...Object.keys(rows).map((k) => k.length));
  for (const [name, value] of Object.entries(rows)) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
