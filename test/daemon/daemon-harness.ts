// An in-process daemon against the real GCE emulator and temp directories, for the loop tests.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, type Config } from "../../src/config/config.js";
import { createLogger } from "../../src/daemon/logger.js";
import { startDaemon, type RunningDaemon } from "../../src/daemon/start-daemon.js";
import { startEmulator, type RunningEmulator } from "../../src/emulator/start-emulator.js";
import { EventRecorder } from "./event-recorder.js";

export interface Harness {
  root: string;
  manifestDir: string;
  stateDir: string;
  servedFile: string;
  emulator: RunningEmulator;
  recorder: EventRecorder;
  config: Config;
  daemon?: RunningDaemon;
  /** Serves new pods through the emulator's admin API (wakes the long poll at once). */
  serve(text: string): Promise<void>;
  removeKey(): Promise<void>;
  /** Sets another instance attribute through the admin API. */
  serveAttribute(key: string, value: string): Promise<void>;
  start(): Promise<RunningDaemon>;
  files(): Promise<string[]>;
  read(file: string): Promise<string>;
  mtimeOf(file: string): Promise<number>;
  close(): Promise<void>;
}

export async function createHarness(initial: string, flags: Record<string, unknown> = {}): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), "rower-daemon-"));
  const servedFile = join(root, "pods.yaml");
  await writeFile(servedFile, initial);
  const emulator = await startEmulator("gce", { file: servedFile });
  const manifestDir = join(root, "manifests");
  const stateDir = join(root, "state");
  const parsed = parseConfig(
    { source: "gce", manifestDir, stateDir, nodeName: "node-1", listen: "127.0.0.1:0", ...flags },
    emulator.env,
    { hostname: "node-1", isTTY: false },
  );
  if (!parsed.ok) throw new Error(parsed.message);
  const recorder = new EventRecorder();
  const admin = `${emulator.url}/_emulator/instance/attributes/kube-pods`;
  const harness: Harness = {
    root, manifestDir, stateDir, servedFile, emulator, recorder, config: parsed.config,
    async serve(text) {
      const response = await fetch(admin, { method: "PUT", body: text });
      if (response.status !== 204) throw new Error(`emulator admin answered ${response.status}`);
    },
    async serveAttribute(key, value) {
      const response = await fetch(`${emulator.url}/_emulator/instance/attributes/${encodeURIComponent(key)}`, { method: "PUT", body: value });
      if (response.status !== 204) throw new Error(`emulator admin answered ${response.status}`);
    },
    async removeKey() {
      const response = await fetch(admin, { method: "DELETE" });
      if (response.status !== 204) throw new Error(`emulator admin answered ${response.status}`);
    },
    async start() {
      const log = createLogger({ format: "json", destination: recorder.destination });
      const started = await startDaemon(harness.config, { log, driftRecheckMs: 60_000 });
      if (!started.ok) throw new Error(started.message);
      harness.daemon = started.daemon;
      return started.daemon;
    },
    files: async () => (await readdir(manifestDir)).filter((name) => !name.startsWith(".")).sort(),
    read: (file) => readFile(join(manifestDir, file), "utf8"),
    mtimeOf: async (file) => (await stat(join(manifestDir, file))).mtimeMs,
    async close() {
      await harness.daemon?.stop();
      await emulator.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return harness;
}
