// The write path's speed: observe + plan + two-phase apply (every file staged and fsynced,
// then renamed, then one directory fsync) into an empty directory, in-process, on the
// filesystem under os.tmpdir() (on tmpfs fsync costs nothing and the figures flatter).
// Targets: 110 pods (the kubelet's default pod limit) ≤ 150 ms, 10,000 pods ≤ 30 s.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { applyPlan } from "../src/manifests/apply-plan.js";
import { observeDirectory } from "../src/manifests/observe-directory.js";
import { planManifests } from "../src/manifests/plan-manifests.js";
import { renderManifest } from "../src/manifests/render-manifest.js";

const RUNS_110 = 5;

function pod(i: number): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `pod-${i}`, labels: { app: "bench", index: String(i) } },
    spec: {
      containers: [{
        name: "main",
        image: "nginx:1.27",
        ports: [{ containerPort: 8080 }],
        resources: { limits: { memory: "64Mi", cpu: "100m" } },
      }],
    },
  };
}

/** Milliseconds for one sync of `count` pods into a new, empty directory. */
async function applyInto(root: string, count: number): Promise<number> {
  const desired = Array.from({ length: count }, (_, i) => renderManifest(pod(i)));
  const dir = await mkdtemp(join(root, `n${count}-`));
  const started = performance.now();
  const result = await applyPlan(planManifests(desired, await observeDirectory(dir)), { dir });
  const ms = performance.now() - started;
  if (result.created !== count) throw new Error(`expected ${count} files created, got ${result.created}`);
  await rm(dir, { recursive: true, force: true });
  return ms;
}

const root = await mkdtemp(join(tmpdir(), "rower-bench-apply-"));
try {
  const runs: number[] = [];
  for (let i = 0; i < RUNS_110; i++) runs.push(await applyInto(root, 110));
  runs.sort((a, b) => a - b);
  const median110 = runs[Math.floor(runs.length / 2)] ?? NaN;
  const ms10k = await applyInto(root, 10_000);
  const verdict = (met: boolean): string => (met ? "met" : "MISSED");
  const rows: Array<[string, string]> = [
    [`apply 110 pods into an empty dir, median of ${RUNS_110} (target ≤ 150 ms)`, `${median110.toFixed(0)} ms (${verdict(median110 <= 150)})`],
    ["apply 10,000 pods into an empty dir (target ≤ 30 s)", `${(ms10k / 1000).toFixed(1)} s (${verdict(ms10k <= 30_000)})`],
    ["directory", tmpdir()],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
