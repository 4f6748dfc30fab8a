// Idle connections to --listen cannot starve the daemon: the hostile review held 400 silent
// connections and every sync, repair and state write failed with EMFILE. The built daemon
// runs here with a 128-descriptor limit (prlimit), as a small VM's unit might.
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EventRecorder, podsYaml, podYaml } from "../daemon/event-recorder.js";
import { BUNDLE, spawnEmulator, stopProcess, type SpawnedEmulator } from "./spawned-rower.js";

const hasPrlimit = spawnSync("prlimit", ["--version"]).status === 0;
const CONNECTIONS = 400;

describe.skipIf(!hasPrlimit)(hasPrlimit ? "a flood of idle connections to --listen" : "a flood of idle connections (skipped: no prlimit)", () => {
  let root = "";
  let emulator: SpawnedEmulator | undefined;
  let daemon: ReturnType<typeof spawn> | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    if (daemon) await stopProcess(daemon, "SIGKILL");
    if (emulator) await stopProcess(emulator.child);
    await rm(root, { recursive: true, force: true });
  });

  it(`${CONNECTIONS} silent connections: syncs still apply, and the server sheds them`, async () => {
    root = await mkdtemp(join(tmpdir(), "rower-flood-"));
    const served = join(root, "pods.yaml");
    await writeFile(served, podsYaml(podYaml("hello")));
    emulator = await spawnEmulator("gce", served);
    const manifestDir = join(root, "manifests");
    daemon = spawn("prlimit", ["--nofile=128", process.execPath, BUNDLE, "run", "--log-format", "json", "--source", "gce",
      "--manifest-dir", manifestDir, "--state-dir", join(root, "state"), "--node-name", "node-1", "--listen", "127.0.0.1:0"], {
      stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "", ...emulator.env },
    });
    const recorder = new EventRecorder();
    daemon.stderr?.setEncoding("utf8").on("data", (chunk: string) => recorder.feed(chunk));
    const started = await recorder.next("daemon.started");
    await recorder.next("sync.applied");
    const { hostname, port } = new URL(String(started.healthUrl));

    const closed: Promise<void>[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const socket = connect(Number(port), hostname);
      socket.on("error", () => undefined); // a reset from a shed connection is the point
      closed.push(new Promise((done) => socket.once("close", () => done())));
      sockets.push(socket);
    }
    await Promise.all(sockets.map((s) => new Promise<void>((done) => { if (s.readyState === "open") done(); else s.once("connect", () => done()).once("close", () => done()); })));

    // While they are held, a new revision is applied: descriptors were left for the directory.
    const mark = recorder.mark();
    const response = await fetch(`${emulator.url}/_emulator/instance/attributes/kube-pods`, { method: "PUT", body: podsYaml(podYaml("hello"), podYaml("web")) });
    expect(response.status).toBe(204);
    expect(await recorder.next((e) => e.event === "sync.applied" || e.event === "sync.failed", mark)).toMatchObject({ event: "sync.applied", created: 1 });
    expect(recorder.named("sync.failed", mark)).toEqual([]);
    expect((await readdir(manifestDir)).filter((f) => !f.startsWith(".")).sort()).toEqual(["hello.yaml", "web.yaml"]);

    // The server closes every one of them (the surplus at once, the rest when idle too long), then answers probes.
    await Promise.all(closed);
    expect((await fetch(`http://${hostname}:${port}/healthz`)).status).toBe(200);
  }, 30_000);
});
