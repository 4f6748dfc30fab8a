// Issue 9 row 1 against the built CLI: a body whose framing does not prove it complete is a
// source error, never a spec. The served value is built so that its first half is itself a
// valid set with one pod fewer: a rower that decoded the truncated body would delete a pod.
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { BUNDLE, spawnDaemon, spawnEmulator, stopProcess, type SpawnedDaemon, type SpawnedEmulator } from "./spawned-rower.js";

/** Two pods whose first half, byte for byte, is exactly the first pod. */
function halvedAtPodBoundary(): string {
  const first = podYaml("hello");
  const second = `---\n${podYaml("clock", "busybox:1.36")}`;
  const pad = (text: string, length: number): string => {
    const missing = length - text.length;
    return missing === 0 ? text : missing === 1 ? `${text}\n` : `${text}#${"x".repeat(missing - 2)}\n`;
  };
  const length = Math.max(first.length, second.length);
  return pad(first, length) + pad(second, length);
}

type Snapshot = Record<string, { bytes: string; mtimeMs: number }>;

async function snapshot(dir: string): Promise<Snapshot> {
  const names = (await readdir(dir)).filter((name) => !name.startsWith(".")).sort();
  const entries = await Promise.all(names.map(async (name) => [name, { bytes: await readFile(join(dir, name), "utf8"), mtimeMs: (await stat(join(dir, name))).mtimeMs }] as const));
  return Object.fromEntries(entries);
}

describe("truncated bodies (built CLI)", () => {
  let root: string;
  let manifestDir: string;
  let emulator: SpawnedEmulator | undefined;
  let daemon: SpawnedDaemon | undefined;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-truncated-"));
    manifestDir = join(root, "manifests");
    await writeFile(join(root, "pods.yaml"), halvedAtPodBoundary());
  });
  afterEach(async () => {
    if (daemon) await stopProcess(daemon.child, "SIGKILL");
    if (emulator) await stopProcess(emulator.child);
    daemon = undefined;
    emulator = undefined;
    await rm(root, { recursive: true, force: true });
  });

  const faults = async (body: object): Promise<void> => {
    const response = await fetch(`${emulator?.url}/_emulator/faults`, { method: "POST", body: JSON.stringify(body) });
    expect(response.status).toBe(204);
  };
  const faultedRequests = async (path: string): Promise<number> => {
    const seen = (await (await fetch(`${emulator?.url}/_emulator/requests`)).json()) as Array<{ path: string }>;
    return seen.filter((r) => r.path === path).length;
  };

  it("serves a value whose first half is exactly the first pod (padded)", () => {
    const value = halvedAtPodBoundary();
    const half = value.slice(0, Math.floor(value.length / 2));
    expect({ even: value.length % 2 === 0, firstPod: half.startsWith(podYaml("hello")), secondPod: half.includes("clock"), rest: value.slice(half.length).startsWith("---\n") })
      .toEqual({ even: true, firstPod: true, secondPod: false, rest: true });
  });

  for (const fault of [{ truncateUnframed: 1 }, { truncate: 1 }, { truncateChunked: 1 }]) {
    it(`gce --once: ${Object.keys(fault)[0]} on the key read exits 1 and changes nothing`, async () => {
      emulator = await spawnEmulator("gce", join(root, "pods.yaml"));
      const once = () => spawnSync(process.execPath, [BUNDLE, "run", "--once", "--source", "gce", "--manifest-dir", manifestDir, "--state-dir", join(root, "state"), "--node-name", "node-1", "--log-format", "json"], {
        env: { PATH: process.env.PATH ?? "", ...emulator?.env }, encoding: "utf8",
      });
      expect(once().status).toBe(0);
      const before = await snapshot(manifestDir);
      expect(Object.keys(before)).toEqual(["clock.yaml", "hello.yaml"]);

      const key = "/computeMetadata/v1/instance/attributes/kube-pods";
      await faults({ ...fault, path: key });
      const faulted = await faultedRequests(key);
      const result = once();
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/"event":"source.error".*"kind":"protocol"/);
      expect(await faultedRequests(key)).toBe(faulted + 1);
      expect(await snapshot(manifestDir)).toEqual(before);
    });
  }

  it("an ec2 daemon under truncated user-data polls keeps every file, then follows the next good answer", async () => {
    emulator = await spawnEmulator("ec2", join(root, "pods.yaml"));
    daemon = spawnDaemon(["--source", "ec2", "--poll-interval", "200ms", "--manifest-dir", manifestDir, "--state-dir", join(root, "state"), "--node-name", "node-1"], emulator.env);
    const { recorder } = daemon;
    expect(await recorder.next("sync.applied")).toMatchObject({ created: 2 });
    const before = await snapshot(manifestDir);

    let mark = recorder.mark();
    await faults({ truncateUnframed: 1000, path: "/latest/user-data" });
    const outcome = (e: { event?: string }): boolean => e.event === "source.error" || e.event === "sync.applied";
    const first = await recorder.next(outcome, mark);
    expect(first).toMatchObject({ event: "source.error", kind: "protocol" });
    const second = await recorder.next(outcome, recorder.events.indexOf(first) + 1);
    expect(second).toMatchObject({ event: "source.error", kind: "protocol" });
    expect(await snapshot(manifestDir)).toEqual(before);

    mark = recorder.mark();
    await faults({ truncateUnframed: 0 });
    const edited = podsYaml(podYaml("hello"), podYaml("clock", "busybox:1.37"));
    const response = await fetch(`${emulator.url}/_emulator/user-data`, { method: "PUT", body: edited });
    expect(response.status).toBe(204);
    expect(await recorder.next("sync.applied", mark)).toMatchObject({ updated: 1, unchanged: 1 });
  });
});
