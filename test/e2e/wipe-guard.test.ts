// The wipe guard, against the built CLI and the built emulator: a change that would remove
// every rower pod is applied only when a second read at least --absent-confirm later agrees.
// One 404 (the hostile review's case: every manifest gone within 130 ms) changes nothing.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { BUNDLE, spawnDaemon, spawnEmulator, stopProcess, type SpawnedDaemon, type SpawnedEmulator } from "./spawned-rower.js";

const PODS = podsYaml(podYaml("hello"), podYaml("clock", "busybox:1.36"));
const INSTANCE_PREFIX = "/computeMetadata/v1/instance/";

describe("the wipe guard (built CLI against rower emulate gce)", () => {
  let root: string;
  let emulator: SpawnedEmulator;
  let daemon: SpawnedDaemon | undefined;
  const manifestDir = (): string => join(root, "manifests");
  const files = async (): Promise<string[]> => (await readdir(manifestDir())).filter((f) => !f.startsWith(".")).sort();
  const admin = async (method: string, route: string, body?: string): Promise<void> => {
    const response = await fetch(`${emulator.url}/_emulator/${route}`, { method, body: body ?? null });
    expect(response.ok, `${method} ${route}`).toBe(true);
  };
  const args = (...extra: string[]): string[] => [
    "--source", "gce", "--manifest-dir", manifestDir(), "--state-dir", join(root, "state"), "--node-name", "node-1", ...extra,
  ];
  const once = (...extra: string[]): { status: number | null; events: Array<Record<string, unknown>> } => {
    const run = spawnSync(process.execPath, [BUNDLE, "run", "--once", "--log-format", "json", ...args(...extra)], {
      env: { PATH: process.env.PATH ?? "", ...emulator.env }, encoding: "utf8",
    });
    const events = run.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    return { status: run.status, events };
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-wipe-guard-"));
    const served = join(root, "pods.yaml");
    await writeFile(served, PODS);
    emulator = await spawnEmulator("gce", served);
  });
  afterEach(async () => {
    if (daemon) await stopProcess(daemon.child, "SIGKILL");
    daemon = undefined;
    await stopProcess(emulator.child);
    await rm(root, { recursive: true, force: true });
  });

  it("run --once: one 404 on the instance attributes deletes nothing and exits 0", async () => {
    const first = once();
    expect(first.status).toBe(0);
    // A state directory rower had to create is said, not silent.
    expect(first.events.find((e) => e.event === "state.dirCreated")).toMatchObject({ stateDir: join(root, "state") });
    expect(first.events.find((e) => e.event === "manifests.dirCreated")).toMatchObject({ manifestDir: join(root, "manifests") });
    expect(await files()).toEqual(["clock.yaml", "hello.yaml"]);
    await admin("POST", "faults", JSON.stringify({ status: 404, count: 1, path: INSTANCE_PREFIX }));
    const run = once();
    expect(run.status).toBe(0);
    expect(run.events.map((e) => e.event)).not.toContain("manifests.dirCreated");
    expect(run.events.map((e) => e.event)).toContain("wipe.pending");
    expect(run.events.map((e) => e.event)).not.toContain("wipe.confirmed");
    expect(await files()).toEqual(["clock.yaml", "hello.yaml"]);
  });

  it("run --once: a key that stays absent is removed after the confirming read, and both reads are logged", async () => {
    expect(once().status).toBe(0);
    await admin("DELETE", "instance/attributes/kube-pods");
    const run = once();
    expect(run.status).toBe(0);
    const pending = run.events.find((e) => e.event === "wipe.pending");
    const confirmed = run.events.find((e) => e.event === "wipe.confirmed");
    expect(pending).toMatchObject({ kind: "absent", confirmInMs: 1000 });
    expect(confirmed).toMatchObject({ first: { kind: "absent" }, second: { kind: "absent" } });
    // The rule itself: the second read came at least --absent-confirm after the first.
    expect(Number(confirmed?.time) - Number(pending?.time)).toBeGreaterThanOrEqual(1000);
    expect(await files()).toEqual([]);
  });

  it("run --once: an empty record in the state file does not skip the guard while marker files are there", async () => {
    expect(once().status).toBe(0);
    const statePath = join(root, "state", "state.json");
    const state = JSON.parse(await readFile(statePath, "utf8")) as { managed: unknown[] };
    await writeFile(statePath, JSON.stringify({ ...state, managed: [] }));
    await admin("POST", "faults", JSON.stringify({ status: 404, count: 1, path: INSTANCE_PREFIX }));
    const run = once();
    expect(run.status).toBe(0);
    expect(run.events.map((e) => e.event)).toContain("wipe.pending");
    expect(await files()).toEqual(["clock.yaml", "hello.yaml"]);
  });

  it("--absent-confirm 0 disables the guard: the absent key is applied at once", async () => {
    expect(once().status).toBe(0);
    await admin("DELETE", "instance/attributes/kube-pods");
    const run = once("--absent-confirm", "0");
    expect(run.status).toBe(0);
    expect(run.events.map((e) => e.event)).not.toContain("wipe.pending");
    expect(await files()).toEqual([]);
  });

  it("the daemon: one 404 answer from the watch keeps every file; a real removal is confirmed, then applied", async () => {
    daemon = spawnDaemon(args(), emulator.env);
    const { recorder } = daemon;
    expect(await recorder.next("sync.applied")).toMatchObject({ created: 2 });

    // First a value the watch follows, so both scopes have answered and the next instance
    // poll is a long poll; then the long poll in flight answers a second value and the poll
    // after it meets the 404 (or the long poll itself does, if it went out after the fault).
    let mark = recorder.mark();
    await admin("PUT", "instance/attributes/kube-pods", `# touched\n${PODS}`);
    await recorder.next("sync.unchanged", mark);
    mark = recorder.mark();
    await admin("POST", "faults", JSON.stringify({ status: 404, count: 1, path: INSTANCE_PREFIX }));
    await admin("PUT", "instance/attributes/kube-pods", `# touched again\n${PODS}`);
    const pending = await recorder.next("wipe.pending", mark);
    expect(pending).toMatchObject({ kind: "absent" });
    // The confirming read found the key: the same pods, nothing written or removed.
    expect(await recorder.next("sync.unchanged", recorder.events.indexOf(pending) + 1)).toMatchObject({ unchanged: 2, deleted: 0 });
    expect(recorder.named("wipe.confirmed", mark)).toEqual([]);
    expect(recorder.named("manifest.deleted", mark)).toEqual([]);
    expect(await files()).toEqual(["clock.yaml", "hello.yaml"]);

    mark = recorder.mark();
    await admin("DELETE", "instance/attributes/kube-pods");
    await recorder.next("wipe.pending", mark);
    expect(await recorder.next("wipe.confirmed", mark)).toMatchObject({ first: { kind: "absent" }, second: { kind: "absent" } });
    expect(await recorder.next("sync.applied", mark)).toMatchObject({ deleted: 2, pods: 0 });
    expect(await files()).toEqual([]);

    // Changes that keep a pod are not delayed: no confirming read for them.
    mark = recorder.mark();
    await admin("PUT", "instance/attributes/kube-pods", PODS);
    expect(await recorder.next("sync.applied", mark)).toMatchObject({ created: 2 });
    expect(recorder.named("wipe.pending", mark)).toEqual([]);
  }, 30_000);
});
