// The end-to-end scenario both clouds go through: the built `rower run` against the built
// `rower emulate`, asserting the directory after each step.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { spawnDaemon, spawnEmulator, stopProcess, type SpawnedDaemon, type SpawnedEmulator } from "./spawned-rower.js";

interface Cloud {
  kind: "gce" | "ec2";
  /** The admin route holding the served value. */
  adminPath: string;
  extraArgs: string[];
}

export const GCE: Cloud = { kind: "gce", adminPath: "/_emulator/instance/attributes/kube-pods", extraArgs: [] };
// EC2 polls; a short interval keeps the scenario quick.
export const EC2: Cloud = { kind: "ec2", adminPath: "/_emulator/user-data", extraArgs: ["--poll-interval", "200ms"] };

const HELLO = podYaml("hello");
const CLOCK = podYaml("clock", "busybox:1.36");

type Snapshot = Map<string, { bytes: string; mtime: number }>;

export async function runMetadataScenario(cloud: Cloud): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), `rower-e2e-${cloud.kind}-`));
  const servedFile = join(root, "pods.yaml");
  const manifestDir = join(root, "manifests");
  let emulator: SpawnedEmulator | undefined;
  let daemon: SpawnedDaemon | undefined;
  try {
    await writeFile(servedFile, podsYaml(HELLO, CLOCK));
    emulator = await spawnEmulator(cloud.kind, servedFile);
    const port = new URL(emulator.url).port;
    daemon = spawnDaemon(
      ["--source", cloud.kind, "--manifest-dir", manifestDir, "--state-dir", join(root, "state"), "--node-name", "node-1", ...cloud.extraArgs],
      emulator.env,
    );
    const { recorder } = daemon;
    expect(await recorder.next("sync.applied")).toMatchObject({ created: 2 });

    const snapshot = async (): Promise<Snapshot> => {
      const files = (await readdir(manifestDir)).filter((f) => !f.startsWith(".")).sort();
      const entries = await Promise.all(files.map(async (f) => [f, {
        bytes: await readFile(join(manifestDir, f), "utf8"), mtime: (await stat(join(manifestDir, f))).mtimeMs,
      }] as const));
      return new Map(entries);
    };
    const admin = async (method: "PUT" | "DELETE", body?: string): Promise<void> => {
      const response = await fetch(`${emulator?.url}${cloud.adminPath}`, { method, body: body ?? null });
      expect(response.status).toBe(204);
    };
    /** Every file in `kept` has the same bytes and mtime as before. */
    const expectKept = (before: Snapshot, after: Snapshot, kept: string[], step: string): void => {
      for (const file of kept) expect(after.get(file), `${step}: ${file}`).toEqual(before.get(file));
    };

    const steps: { step: string; serve?: string; remove?: true; event: string; match: object; files: string[]; kept: string[] }[] = [
      { step: "add a pod", serve: podsYaml(HELLO, CLOCK, podYaml("web")), event: "sync.applied", match: { created: 1, unchanged: 2 }, files: ["clock.yaml", "hello.yaml", "web.yaml"], kept: ["clock.yaml", "hello.yaml"] },
      { step: "change one", serve: podsYaml(HELLO, CLOCK, podYaml("web", "nginx:1.28")), event: "sync.applied", match: { updated: 1, unchanged: 2 }, files: ["clock.yaml", "hello.yaml", "web.yaml"], kept: ["clock.yaml", "hello.yaml"] },
      { step: "remove one", serve: podsYaml(HELLO, podYaml("web", "nginx:1.28")), event: "sync.applied", match: { deleted: 1, unchanged: 2 }, files: ["hello.yaml", "web.yaml"], kept: ["hello.yaml", "web.yaml"] },
      { step: "remove the key", remove: true, event: "sync.applied", match: { deleted: 2, pods: 0 }, files: [], kept: [] },
      { step: "serve pods again", serve: podsYaml(HELLO, CLOCK), event: "sync.applied", match: { created: 2 }, files: ["clock.yaml", "hello.yaml"], kept: [] },
      { step: "serve garbage", serve: "\u0000\u0001 {{{ not: [yaml", event: "sync.invalid", match: { errors: [expect.objectContaining({ type: "Decode error" })] }, files: ["clock.yaml", "hello.yaml"], kept: ["clock.yaml", "hello.yaml"] },
      {
        step: "serve an invalid pod", serve: podsYaml(HELLO, podYaml("clock", "busybox:1.36", "      ports:\n        - containerPort: 70000\n")), event: "sync.invalid",
        match: { errors: [expect.objectContaining({ field: "spec.containers[0].ports[0].containerPort", type: "Invalid value" })] },
        files: ["clock.yaml", "hello.yaml"], kept: ["clock.yaml", "hello.yaml"],
      },
    ];
    for (const s of steps) {
      const before = await snapshot();
      const mark = recorder.mark();
      if (s.remove) await admin("DELETE");
      else await admin("PUT", s.serve);
      expect(await recorder.next(s.event, mark), s.step).toMatchObject(s.match);
      const after = await snapshot();
      expect([...after.keys()], s.step).toEqual(s.files);
      expectKept(before, after, s.kept, s.step);
    }

    // Unreachable: stop the emulator; nothing is removed while the daemon backs off.
    const beforeOutage = await snapshot();
    let mark = recorder.mark();
    await stopProcess(emulator.child);
    expect(await recorder.next("source.error", mark)).toMatchObject({ kind: expect.any(String) });
    expectKept(beforeOutage, await snapshot(), ["clock.yaml", "hello.yaml"], "emulator stopped");

    // Restart on the same port, serving a new set: the daemon recovers and applies it.
    await writeFile(servedFile, podsYaml(HELLO, CLOCK, podYaml("after")));
    mark = recorder.mark();
    emulator = await spawnEmulator(cloud.kind, servedFile, `127.0.0.1:${port}`);
    expect(await recorder.next("sync.applied", mark)).toMatchObject({ created: 1, unchanged: 2 });
    const afterOutage = await snapshot();
    expect([...afterOutage.keys()]).toEqual(["after.yaml", "clock.yaml", "hello.yaml"]);
    expectKept(beforeOutage, afterOutage, ["clock.yaml", "hello.yaml"], "emulator restarted");
    // The loop counted the failed reads during the outage and says when the source is back.
    expect(Number((await recorder.next("source.recovered", mark)).afterFailures)).toBeGreaterThanOrEqual(1);

    mark = recorder.mark();
    await stopProcess(daemon.child);
    expect(await daemon.exited).toBe(0);
    expect(recorder.named("daemon.stopped", mark)).toHaveLength(1);
    expect([...(await snapshot()).keys()]).toEqual(["after.yaml", "clock.yaml", "hello.yaml"]);
  } finally {
    if (daemon) await stopProcess(daemon.child, "SIGKILL");
    if (emulator) await stopProcess(emulator.child);
    await rm(root, { recursive: true, force: true });
  }
}
