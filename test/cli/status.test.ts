// `rower status` end to end: the built executable against real state directories.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeState, type DaemonState } from "../../src/daemon/state-file.js";
import { startEmulator } from "../../src/emulator/start-emulator.js";

const ROWER = new URL("../../dist/rower.cjs", import.meta.url).pathname;

function rower(args: string[], env: Record<string, string> = {}) {
  const { ROWER_STATE_DIR: _ignored, ...base } = process.env;
  const r = spawnSync(process.execPath, [ROWER, ...args], { encoding: "utf8", env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const state: DaemonState = {
  version: 1,
  pid: process.pid,
  source: "gce:instance/attributes/kube-pods",
  revision: "1234567",
  appliedRevision: "1234500",
  manifestDir: "/etc/kubernetes/manifests",
  lastSync: { time: "2026-11-23T10:00:00.000Z", result: "invalid", revision: "1234567" },
  lastError: {
    time: "2026-11-23T10:00:00.000Z",
    message: "revision 1234567 refused: 1 invalid field",
    errors: [
      { field: "spec.containers[0].image", type: "Required value", rule: "container.image.required",
        origin: { source: "gce:instance/attributes/kube-pods", document: 0, pod: "web" } },
      { field: "spec.restartPolicy", type: "Unsupported value", rule: "pod.restartPolicy", value: "Sometimes",
        detail: 'supported values: "Always", "Never", "OnFailure"', origin: { source: "gce:instance/attributes/kube-pods", document: 0, pod: "web" } },
    ],
  },
  managed: [
    { file: "clock.yaml", sha256: "c".repeat(64), pod: "default/clock" },
    { file: "hello.yaml", sha256: "a".repeat(64), pod: "default/hello" },
  ],
  updatedAt: "2026-11-23T10:00:01.000Z",
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rower-status-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rower status", () => {
  it("prints managed pods, source, revision, last sync and last error", async () => {
    await writeState(dir, state);
    const r = rower(["status", "--state-dir", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      `daemon:        pid ${process.pid} (running), state updated 2026-11-23T10:00:01.000Z`,
      "source:        gce:instance/attributes/kube-pods",
      "revision:      1234567 (latest read, not applied: invalid)",
      "applied:       1234500 (what the directory holds)",
      "manifest dir:  /etc/kubernetes/manifests",
      "last sync:     2026-11-23T10:00:00.000Z invalid",
      "last error:    2026-11-23T10:00:00.000Z revision 1234567 refused: 1 invalid field",
      "  * gce:instance/attributes/kube-pods#0: spec.containers[0].image: Required value",
      '  * gce:instance/attributes/kube-pods#0: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"',
      "managed pods:  2",
      `  default/clock  clock.yaml  sha256:${"c".repeat(12)}`,
      `  default/hello  hello.yaml  sha256:${"a".repeat(12)}`,
      "",
    ].join("\n"));
  });

  it("-o json gives the state plus whether the daemon runs; ROWER_STATE_DIR is honoured", async () => {
    await writeState(dir, { ...state, pid: 2 ** 22 + 1, lastError: undefined as never });
    const r = rower(["status", "-o", "json"], { ROWER_STATE_DIR: dir });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ source: state.source, revision: "1234567", running: false, managed: state.managed });
  });

  const noState: Array<[string, (d: string) => Promise<string>, number, RegExp]> = [
    ["no state file", async (d) => d, 3, /no state at .*state\.json/],
    ["no state directory", async (d) => join(d, "missing"), 3, /no state at/],
    ["a state file that is not JSON", async (d) => { await writeFile(join(d, "state.json"), "{"); return d; }, 2, /unreadable state/],
    ["a directory where the state file belongs", async (d) => { await mkdir(join(d, "dir-state", "state.json"), { recursive: true }); return join(d, "dir-state"); }, 3, /cannot read .*state\.json: it is a directory/],
  ];
  for (const [desc, prepare, code, message] of noState) {
    it(`${desc}: exit ${code} with a one-line reason`, async () => {
      const r = rower(["status", "--state-dir", await prepare(dir)]);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  it("a bad -o value is a usage error", () => {
    expect(rower(["status", "--state-dir", dir, "-o", "yaml"]).code).toBe(2);
  });

  it("shows a real `rower run --once`: its pods, source, applied counts, no error", async () => {
    const pods = new URL("../../examples/pods.yaml", import.meta.url).pathname;
    const run = rower(["run", "--once", "--source", `file:${pods}`, "--manifest-dir", join(dir, "manifests"),
      "--state-dir", join(dir, "state"), "--node-name", "node-1", "--log-format", "json"]);
    expect(run.code).toBe(0);
    const r = rower(["status", "--state-dir", join(dir, "state"), "-o", "json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      source: `file:${pods}`,
      manifestDir: join(dir, "manifests"),
      running: false,
      lastSync: { result: "applied", counts: { created: 2, updated: 0, deleted: 0, unchanged: 0, conflicts: 0 } },
      managed: [{ file: "clock.yaml", pod: "default/clock" }, { file: "hello.yaml", pod: "default/hello" }],
    });
    expect(json["lastError"]).toBeUndefined();
    const text = rower(["status", "--state-dir", join(dir, "state")]);
    expect(text.stdout).toMatch(/^last sync: +\S+ applied \(2 created, 0 updated, 0 deleted, 0 unchanged, 0 conflicts\)$/m);
  });

  it("--source auto records the cloud it detected, not 'auto'", async () => {
    const pods = new URL("../../examples/pods.yaml", import.meta.url).pathname;
    const emulator = await startEmulator("gce", { file: pods });
    try {
      // Spawned, not spawnSync: the emulator answers from this process's event loop. The endpoint is
      // given as --metadata-endpoint (no cloud variable), so auto must probe to learn it is GCE.
      const run = spawn(process.execPath, [ROWER, "run", "--once", "--source", "auto", "--metadata-endpoint", emulator.url,
        "--manifest-dir", join(dir, "manifests"), "--state-dir", join(dir, "state"), "--node-name", "node-1", "--log-format", "json"],
      { stdio: "ignore", env: { PATH: process.env.PATH ?? "" } });
      const [code] = (await once(run, "exit")) as [number | null];
      expect(code).toBe(0);
      const r = rower(["status", "--state-dir", join(dir, "state")]);
      expect(r.stdout).toMatch(/^source: +gce:instance\/attributes\/kube-pods$/m);
    } finally {
      await emulator.close();
    }
  });
});
