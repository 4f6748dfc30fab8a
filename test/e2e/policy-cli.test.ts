// `--policy` through the built CLI: `run --once` refuses a revision that breaks the policy,
// also when the payload is large enough to be decoded on the worker thread (which must load
// the policy itself), and `diff --policy` says what a sync would refuse.
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { BUNDLE } from "./spawned-rower.js";

const HOST = podYaml("host", "nginx:1.27").replace("spec:\n", "spec:\n  hostNetwork: true\n");
/** Comments count as payload bytes: past 32 KiB the daemon decodes on its worker thread. */
const PADDING = `# ${"padding ".repeat(5000)}\n`;

describe("--policy with the built CLI", () => {
  let root: string;
  const manifests = (): string => join(root, "manifests");
  const once = (...extra: string[]): { status: number | null; events: Array<Record<string, unknown>>; stderr: string } => {
    const run = spawnSync(process.execPath, [BUNDLE, "run", "--once", "--log-format", "json", "--source", `file:${join(root, "pods.yaml")}`,
      "--manifest-dir", manifests(), "--state-dir", join(root, "state"), "--node-name", "node-1", "--policy", join(root, "policy.yaml"), ...extra], { encoding: "utf8" });
    const events = run.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    return { status: run.status, events, stderr: run.stderr };
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-policy-e2e-"));
    await writeFile(join(root, "policy.yaml"), "podSecurity: baseline\n");
  });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  it.each([
    { desc: "a small payload (decoded inline)", padding: "", offThread: false },
    { desc: "a large payload (decoded on the worker thread)", padding: PADDING, offThread: true },
  ])("run --once refuses $desc that breaks the policy, writing nothing", async ({ padding, offThread }) => {
    await writeFile(join(root, "pods.yaml"), padding + podsYaml(podYaml("hello"), HOST));
    const run = once();
    expect(run.status).toBe(1);
    expect(run.events.some((e) => e.event === "decode.offThread")).toBe(offThread);
    const invalid = run.events.find((e) => e.event === "sync.invalid");
    expect(invalid?.["errors"]).toEqual([expect.objectContaining({ field: "spec.hostNetwork", type: "Forbidden", rule: "policy.podSecurity.hostNamespaces" })]);
    expect(await readdir(manifests()).catch(() => [])).toEqual([]);

    await writeFile(join(root, "pods.yaml"), padding + podsYaml(podYaml("hello")));
    expect(once().status).toBe(0);
    expect((await readdir(manifests())).filter((f) => !f.startsWith("."))).toEqual(["hello.yaml"]);
  });

  it("run refuses to start with an invalid policy", async () => {
    await writeFile(join(root, "pods.yaml"), podYaml("hello"));
    await writeFile(join(root, "policy.yaml"), "podSecurity: strict\n");
    const run = once();
    expect(run.status).toBe(1);
    expect(run.events.find((e) => e.event === "daemon.refused")?.["message"]).toMatch(/^invalid policy .*podSecurity: /);
  });

  it("diff --policy prints the policy's errors and exits 2", async () => {
    await writeFile(join(root, "pods.yaml"), podsYaml(podYaml("hello"), HOST));
    const run = spawnSync(process.execPath, [BUNDLE, "diff", "--manifest-dir", manifests(), "--state-dir", join(root, "state"), "--policy", join(root, "policy.yaml"), join(root, "pods.yaml")], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("* spec.hostNetwork: Forbidden: policy podSecurity (baseline, check hostNamespaces)");
  });
});
