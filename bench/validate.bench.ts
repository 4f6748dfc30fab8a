// `rower validate` speed and memory (issue 14), one row per figure: value, target, met/MISSED.
// - start-up: `rower validate examples/nginx.yaml` wall time over `node -e 0` (interleaved runs,
//   medians; target ≤ 1.3× on Node 24, ≤ 1.5× on Node 20);
// - throughput on a 1,000-pod List built from varied pods: decode and validate end to end, in
//   processes of their own under rower's V8 flags (no optimizing compiler, as the CLI and the
//   daemon run; target ≥ 15,000 pods/s), each stage alone, the same with V8's optimizing
//   compilers (as a program importing rower's modules runs them), and the built CLI run cold
//   on the List against one pod (informational);
// - peak RSS of `rower validate` on that List, read from process.resourceUsage() in the child
//   (target ≤ 64 MiB).
// Run: npm run bench -- validate (or npm run build && node --import tsx bench/validate.bench.ts [runs])
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { decodePayload } from "../src/decode/decode-payload.js";

const ROWER = resolve("dist/rower.cjs");
/** The start-up row's input: one small pod. */
const ONE_POD = "examples/nginx.yaml";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function timeSpawn(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const elapsed = performance.now() - start;
  if (run.status !== 0 && args[0] === ROWER) throw new Error(`rower exited ${run.status}: ${run.stderr}`);
  return elapsed;
}

function measureStartup(runs: number): { rower: number; node: number } {
  const rower: number[] = [];
  const node: number[] = [];
  timeSpawn(["-e", "0"]); // warm the file cache for both before timing
  timeSpawn([ROWER, "validate", ONE_POD]);
  for (let i = 0; i < runs; i++) {
    node.push(timeSpawn(["-e", "0"]));
    rower.push(timeSpawn([ROWER, "validate", ONE_POD]));
  }
  return { rower: median(rower), node: median(node) };
}

/** 1,000 distinct, valid pods: the fixtures and examples, renamed and varied. */
function buildPodList(count: number): string {
  const files = [...readdirSync("test/fixtures/valid").map((f) => join("test/fixtures/valid", f)), "examples/nginx.yaml", "examples/pods.yaml"];
  const bases = files.flatMap((file) => {
    const decoded = decodePayload(readFileSync(file), { source: file });
    return decoded.kind === "documents" ? decoded.documents.map((d) => d.value as Record<string, unknown>) : [];
  });
  const items = Array.from({ length: count }, (_, i) => {
    const pod = structuredClone(bases[i % bases.length]) as { metadata: Record<string, unknown>; spec: { containers: Record<string, unknown>[] } };
    pod.metadata.name = `pod-${i}`;
    pod.metadata.labels = { ...(pod.metadata.labels as object), replica: String(i % 7), "app.kubernetes.io/instance": `i${i}` };
    const first = pod.spec.containers[0];
    if (first) first.image = `registry.example.com/team-${i % 13}/app:${1 + (i % 9)}.${i % 5}`;
    return pod;
  });
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

interface Throughput { total: number; decode: number; validate: number; pods: number }

/**
 * Medians of `rounds` rounds in each of `processes` fresh processes (bench/validate-throughput.ts),
 * then the median of those: a shared machine slows a whole process now and then, by half.
 */
function measureThroughput(file: string, rounds: number, rowerFlags: boolean, processes = 3): Throughput {
  const runs = Array.from({ length: processes }, () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "bench/validate-throughput.ts", file, String(rounds), ...(rowerFlags ? ["--rower-flags"] : [])], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`validate-throughput.ts exited ${run.status}: ${run.stderr.slice(0, 500)}`);
    return JSON.parse(run.stdout) as Throughput;
  });
  return {
    total: median(runs.map((r) => r.total)),
    decode: median(runs.map((r) => r.decode)),
    validate: median(runs.map((r) => r.validate)),
    pods: runs[0]?.pods ?? 0,
  };
}

/**
 * The built CLI, cold, as a user runs it: `rower validate` on the List against the same on one
 * pod, interleaved; the difference is what the List's 1,000 pods cost (informational: no
 * in-process warm-up, and V8's optimizing compilers off, as the CLI runs).
 */
function measureCliThroughput(file: string, bytes: number, pods: number, runs: number): number {
  const list: number[] = [];
  const one: number[] = [];
  timeSpawn([ROWER, "validate", "--max-bytes", String(bytes), file]);
  for (let i = 0; i < runs; i++) {
    one.push(timeSpawn([ROWER, "validate", ONE_POD]));
    list.push(timeSpawn([ROWER, "validate", "--max-bytes", String(bytes), file]));
  }
  return (pods / (median(list) - median(one))) * 1000;
}

function measurePeakRss(file: string, bytes: number): number {
  // The child reports its own peak RSS as it exits: no external tool needed.
  const wrapper = `process.argv = [process.argv[0], "rower", "validate", "--max-bytes", "${bytes}", ${JSON.stringify(file)}];
process.on("exit", () => process.stderr.write("maxrss=" + process.resourceUsage().maxRSS + "\\n"));
await import(${JSON.stringify(pathToFileURL(ROWER).href)});`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", wrapper], { encoding: "utf8", maxBuffer: 64 << 20 });
  const kib = /maxrss=(\d+)/.exec(run.stderr)?.[1];
  if (run.status !== 0 || kib === undefined) throw new Error(`rower validate on the List failed (${run.status}): ${run.stderr.slice(0, 500)}`);
  return Number(kib) / 1024;
}

const runs = Math.max(20, Number(process.argv[2] ?? 20) || 20);
const startup = measureStartup(runs);
const list = buildPodList(1000);
const dir = await mkdtemp(join(tmpdir(), "rower-bench-"));
let throughput: Throughput;
let optimized: Throughput;
let rssMiB: number;
let cliRate: number;
try {
  const file = join(dir, "pods-1000.json");
  await writeFile(file, list);
  throughput = measureThroughput(file, 7, true);
  optimized = measureThroughput(file, 7, false);
  rssMiB = measurePeakRss(file, Buffer.byteLength(list));
  cliRate = measureCliThroughput(file, Buffer.byteLength(list), throughput.pods, 9);
} finally {
  await rm(dir, { recursive: true, force: true });
}

const TARGETS = {
  startupRatio: Number(process.versions.node.split(".")[0]) >= 24 ? 1.3 : 1.5,
  podsPerSecond: 15_000,
  peakRssMiB: 64,
};
const verdict = (met: boolean): string => (met ? "met" : "MISSED");
const ratio = startup.rower / startup.node;
const podsPerSecond = (rate: number): string => `${Math.round(rate).toLocaleString("en")} pods/s`;
const rows: [string, string, string, string][] = [
  ["figure", "value", "target", "verdict"],
  [`rower validate ${ONE_POD} vs node -e 0, median`, `${ratio.toFixed(2)}× (${startup.rower.toFixed(1)} vs ${startup.node.toFixed(1)} ms, ${runs} runs)`,
    `≤ ${TARGETS.startupRatio}× on Node ${process.versions.node}`, verdict(ratio <= TARGETS.startupRatio)],
  ["decode + validate, 1,000-pod List (rower's V8 flags; 3 processes × 7 rounds, medians)", podsPerSecond(throughput.total), `≥ ${TARGETS.podsPerSecond.toLocaleString("en")} pods/s`, verdict(throughput.total >= TARGETS.podsPerSecond)],
  ["  decodePayload alone", podsPerSecond(throughput.decode), `(${(Buffer.byteLength(list) / 1024).toFixed(0)} KiB JSON)`, "informational"],
  ["  validateDocuments alone", podsPerSecond(throughput.validate), "", "informational"],
  ["  the same with V8's optimizing compilers (a program importing rower)", podsPerSecond(optimized.total), "", "informational"],
  ["  the built CLI, cold: rower validate on the List minus on one pod", podsPerSecond(cliRate), "(medians of 9, interleaved)", "informational"],
  ["rower validate peak RSS, 1,000-pod List", `${rssMiB.toFixed(1)} MiB`, `≤ ${TARGETS.peakRssMiB} MiB`, verdict(rssMiB <= TARGETS.peakRssMiB)],
];
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
process.stdout.write(`${rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  ").trimEnd()).join("\n")}\n`);
