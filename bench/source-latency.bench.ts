// Edit → new revision, for rower's GCE source long-polling the real GCE emulator on loopback.
// Each edit is an admin-API PUT of the instance attribute (timed from just before the PUT is
// sent to the moment the source's watch yields the new revision), p50/p99 over 200 edits;
// target p99 ≤ 50 ms. Edits are spaced by random gaps (0–200 ms) so their times fall
// uniformly across a 20 s window; beside the watch, the same edit timestamps are set against
// a 20 s poll schedule (the kubelet's --manifest-url default, starting with the bench) to show
// what polling would give, and the ratio.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { startEmulator } from "../src/emulator/start-emulator.js";
import { GceSource } from "../src/sources/gce.js";

const EDITS = Number(process.env.BENCH_EDITS ?? 200);
const MAX_GAP_MS = Number(process.env.BENCH_MAX_GAP_MS ?? 200);
const POLL_INTERVAL_MS = 20_000;
const TARGET_P99_MS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summarize(values: number[]): { p50: number; p99: number; mean: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, max: sorted[sorted.length - 1] ?? NaN };
}

const dir = await mkdtemp(join(tmpdir(), "rower-bench-source-"));
const file = join(dir, "pods.yaml");
await writeFile(file, "edit: 0\n");
const emulator = await startEmulator("gce", { file });
const source = new GceSource({ gceMetadataHost: emulator.env.GCE_METADATA_HOST, projectFallback: true });
const stop = new AbortController();
const watch = source.watch(stop.signal)[Symbol.asyncIterator]();
/** The next revision (or error): contacts say only that a poll came back with nothing new. */
async function nextRevision(): Promise<Awaited<ReturnType<typeof watch.next>>> {
  for (;;) {
    const step = await watch.next();
    if (step.done === true || step.value.kind !== "contact") return step;
  }
}

try {
  await nextRevision(); // the current value
  const scheduleStart = performance.now(); // a 20 s poller started here would poll at +0, +20 s, ...
  const editTimes: number[] = [];
  const latencies: number[] = [];
  for (let i = 1; i <= EDITS; i++) {
    await delay(Math.random() * MAX_GAP_MS);
    const expected = `edit: ${i}\n`;
    const editedAt = performance.now();
    const put = fetch(`${emulator.url}/_emulator/instance/attributes/kube-pods`, { method: "PUT", body: expected });
    const step = await nextRevision();
    const seenAt = performance.now();
    await put;
    const value = step.value;
    if (value === undefined || value.kind !== "present" || Buffer.from(value.bytes).toString("utf8") !== expected) {
      throw new Error(`edit ${i}: the watch yielded ${JSON.stringify(value?.kind)} instead of the edit`);
    }
    editTimes.push(editedAt - scheduleStart);
    latencies.push(seenAt - editedAt);
  }
  const pollLatencies = editTimes.map((t) => Math.ceil(t / POLL_INTERVAL_MS) * POLL_INTERVAL_MS - t);
  const watchStats = summarize(latencies);
  const pollStats = summarize(pollLatencies);
  const span = (editTimes[editTimes.length - 1] ?? 0) - (editTimes[0] ?? 0);
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  const s = (v: number): string => `${(v / 1000).toFixed(2)} s`;
  process.stdout.write(
    [
      `GCE source, edit → new revision (admin-API PUT, long poll), ${EDITS} edits over ${s(span)}:`,
      `  wait_for_change watch   p50 ${ms(watchStats.p50)}   p99 ${ms(watchStats.p99)}   max ${ms(watchStats.max)}   (target p99 ≤ ${TARGET_P99_MS} ms: ${watchStats.p99 <= TARGET_P99_MS ? "met" : "MISSED"})`,
      `  20 s poll, same edits   p50 ${s(pollStats.p50)}   mean ${s(pollStats.mean)}   p99 ${s(pollStats.p99)}`,
      `  ratio poll/watch        p50 ×${Math.round(pollStats.p50 / watchStats.p50)}   p99 ×${Math.round(pollStats.p99 / watchStats.p99)}`,
      "",
    ].join("\n"),
  );
} finally {
  stop.abort();
  await watch.return?.(undefined);
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
}
