import { spawnSync } from "node:child_process";
import { lstat, mkdtemp, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { BUNDLE, spawnDaemon, spawnEmulator, stopProcess, type SpawnedDaemon, type SpawnedEmulator } from "./spawned-rower.js";

describe("rower run as a process (built CLI, GCE emulator)", () => {
  let root: string;
  let manifestDir: string;
  let stateDir: string;
  let servedFile: string;
  let emulator: SpawnedEmulator;
  const daemons: SpawnedDaemon[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-cli-"));
    manifestDir = join(root, "manifests");
    stateDir = join(root, "state");
    servedFile = join(root, "pods.yaml");
    await writeFile(servedFile, podsYaml(podYaml("hello"), podYaml("clock", "busybox:1.36")));
    emulator = await spawnEmulator("gce", servedFile);
  });
  afterEach(async () => {
    for (const daemon of daemons.splice(0)) await stopProcess(daemon.child, "SIGKILL");
    await stopProcess(emulator.child);
    await rm(root, { recursive: true, force: true });
  });

  const baseArgs = (): string[] => ["--source", "gce", "--manifest-dir", manifestDir, "--state-dir", stateDir, "--node-name", "node-1"];
  const start = (extra: string[] = []): SpawnedDaemon => {
    const daemon = spawnDaemon([...baseArgs(), ...extra], emulator.env);
    daemons.push(daemon);
    return daemon;
  };
  const files = async (): Promise<string[]> => (await readdir(manifestDir)).filter((f) => !f.startsWith(".")).sort();
  /** Every regular file in the manifest directory, dotfiles included: bytes and mtime. */
  const snapshot = async (): Promise<Map<string, { bytes: string; mtimeMs: number }>> => {
    const entries = (await readdir(manifestDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
    return new Map(await Promise.all(entries.map(async (name) => {
      const path = join(manifestDir, name);
      return [name, { bytes: await readFile(path, "utf8"), mtimeMs: (await stat(path)).mtimeMs }] as const;
    })));
  };
  const serve = async (text: string): Promise<void> => {
    const response = await fetch(`${emulator.url}/_emulator/instance/attributes/kube-pods`, { method: "PUT", body: text });
    expect(response.status).toBe(204);
  };

  it("serves readyz transitions and metrics, repairs drift, re-syncs on SIGHUP, exits 0 on SIGTERM", async () => {
    const daemon = start(["--listen", "127.0.0.1:0"]);
    const { recorder } = daemon;
    const started = await recorder.next("daemon.started");
    const healthUrl = String(started.healthUrl);
    await recorder.next("sync.applied");
    expect((await fetch(`${healthUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${healthUrl}/readyz`)).status).toBe(200);

    let mark = recorder.mark();
    await serve(podsYaml(podYaml("hello"), "kind: Pod\n"));
    await recorder.next("sync.invalid", mark);
    const refused = await fetch(`${healthUrl}/readyz`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ ready: false, reason: "revision-refused" });
    expect(await files()).toEqual(["clock.yaml", "hello.yaml"]);

    mark = recorder.mark();
    const clock = await readFile(join(manifestDir, "clock.yaml"), "utf8");
    await unlink(join(manifestDir, "clock.yaml"));
    expect(await recorder.next("drift.repaired", mark)).toMatchObject({ created: 1 });
    expect(await readFile(join(manifestDir, "clock.yaml"), "utf8")).toBe(clock);

    mark = recorder.mark();
    await serve(podsYaml(podYaml("hello")));
    await recorder.next("sync.applied", mark);
    expect((await fetch(`${healthUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${healthUrl}/metrics`)).text();
    for (const line of [
      'rower_syncs_total{result="applied"} 2',
      'rower_syncs_total{result="invalid"} 1',
      "rower_drift_repairs_total 1",
      "rower_managed_pods 1",
    ]) expect(metrics).toContain(line);
    expect(metrics).toMatch(/rower_last_successful_sync_timestamp_seconds \d+/);
    expect(metrics).toMatch(/rower_source_fetch_duration_seconds_count \d+/);

    mark = recorder.mark();
    daemon.child.kill("SIGHUP");
    await recorder.next("daemon.reload", mark);
    expect(await recorder.next("sync.unchanged", mark)).toMatchObject({ unchanged: 1 });

    mark = recorder.mark();
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
    expect(recorder.named("daemon.stopped", mark)).toHaveLength(1);
    expect(await files()).toEqual(["hello.yaml"]);
  });

  it("a second rower on the same directory refuses and names the holder's pid", async () => {
    const first = start();
    await first.recorder.next("sync.applied");
    const second = start();
    expect(await second.exited).toBe(1);
    expect(await second.recorder.next("daemon.refused")).toMatchObject({ message: expect.stringContaining(`pid ${first.child.pid}`) });
  });

  it("a removed manifest directory gets its lock, files and watch back: a rower started later still refuses", async () => {
    const first = start();
    await first.recorder.next("sync.applied");
    const mark = first.recorder.mark();
    // Gone in one step (as after `rm -rf`), so the daemon's repair cannot race the removal.
    const gone = join(root, "gone");
    await rename(manifestDir, gone);
    await rm(gone, { recursive: true });
    first.child.kill("SIGHUP");
    await first.recorder.next("lock.restored", mark);
    await first.recorder.next((e) => e.event === "sync.applied" || e.event === "drift.repaired", mark);
    expect(await files()).toEqual(["clock.yaml", "hello.yaml"]);
    expect((await lstat(join(manifestDir, ".rower.lock"))).isSocket()).toBe(true);

    const second = start();
    expect(await second.exited).toBe(1);
    expect(await second.recorder.next("daemon.refused")).toMatchObject({ message: expect.stringContaining(`pid ${first.child.pid}`) });

    // The re-created directory is watched too: drift in it is repaired at once, not at the 30 s re-check.
    const later = first.recorder.mark();
    await unlink(join(manifestDir, "hello.yaml"));
    expect(await first.recorder.next("drift.repaired", later)).toMatchObject({ created: 1 });
    expect(await files()).toEqual(["clock.yaml", "hello.yaml"]);
  });

  it("--once exits 0 when applied or nothing to do, 1 when invalid or unreachable, 2 on a bad option", () => {
    const once = (args: string[], env = emulator.env) => spawnSync(process.execPath, [BUNDLE, "run", "--once", "--log-format", "json", ...baseArgs(), ...args], {
      env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8",
    });
    expect(once([]).status).toBe(0);
    expect(once([]).status).toBe(0);
    expect(once(["--key", "missing-key", "--keep-on-absent"]).status).toBe(0);
    expect(once(["--metadata-endpoint", "http://127.0.0.1:1"]).status).toBe(1);
    const usage = once(["--poll-interval", "10"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("--poll-interval");
    expect(usage.stderr).toContain("500ms, 10s, 5m");
    const envUsage = once([], { ...emulator.env, ROWER_MAX_BYTES: "lots" });
    expect(envUsage.status).toBe(2);
    expect(envUsage.stderr).toContain("ROWER_MAX_BYTES");
  });

  it("--once from a cloud source loads none of Node's perf_hooks (every start would pay for them)", async () => {
    const preload = join(root, "report-modules.cjs");
    await writeFile(preload, 'process.on("exit", () => require("node:fs").writeSync(2, `\\nMODULES ${JSON.stringify(process.moduleLoadList)}\\n`));\n');
    const run = spawnSync(process.execPath, ["-r", preload, BUNDLE, "run", "--once", "--log-format", "json", ...baseArgs()], {
      env: { PATH: process.env.PATH ?? "", ...emulator.env }, encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const modules = JSON.parse(/^MODULES (.*)$/m.exec(run.stderr)?.[1] ?? "[]") as string[];
    expect(modules).toContain("NativeModule fs/promises"); // the report is there, and real
    expect(modules.filter((m) => /perf_hooks|internal\/perf\/performance$/.test(m))).toEqual([]);
  });

  it("--once exits 1 on an invalid revision and changes nothing", async () => {
    const once = () => spawnSync(process.execPath, [BUNDLE, "run", "--once", "--log-format", "json", ...baseArgs()], {
      env: { PATH: process.env.PATH ?? "", ...emulator.env }, encoding: "utf8",
    });
    expect(once().status).toBe(0);
    const before = await snapshot();
    expect([...before.keys()]).toEqual(["clock.yaml", "hello.yaml"]);

    // A new image for hello, clock gone, and one invalid pod: all or nothing, so nothing.
    await serve(podsYaml(podYaml("hello", "nginx:1.28"), "kind: Pod\nmetadata:\n  name: broken\n"));
    const result = once();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('"event":"sync.invalid"');
    expect(await snapshot()).toEqual(before);
  });
});
