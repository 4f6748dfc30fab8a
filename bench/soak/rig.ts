// One trial's world: a temp directory, the built emulator, the built daemon, an observer on
// the manifest directory. Everything is a real process; `close()` removes it all.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventRecorder } from "../../test/daemon/event-recorder.js";
import { BUNDLE, spawnEmulator, stopProcess, type SpawnedEmulator } from "../../test/e2e/spawned-rower.js";
import { DirectoryObserver } from "./observer.js";

/** Events the daemon logs once an apply (or its refusal) is over and the directory is what it will stay. */
const APPLY_ENDED = new Set(["sync.applied", "sync.unchanged", "sync.invalid", "sync.conflict", "sync.failed", "drift.repaired"]);

export interface RigOptions {
  /** The source: an emulator kind, or a file the daemon watches. */
  source: "gce" | "ec2" | "file";
  initial: string;
  daemonArgs?: string[];
  /** Arguments put before the bundle (`--max-old-space-size=192`), and a command wrapping node (`prlimit ...`). */
  nodeArgs?: string[];
  wrapper?: string[];
}

export class Rig {
  readonly recorder = new EventRecorder();
  readonly observer: DirectoryObserver;
  emulator: SpawnedEmulator | undefined;
  daemon: ChildProcess | undefined;

  private constructor(readonly root: string, readonly options: RigOptions) {
    this.observer = new DirectoryObserver(this.manifestDir);
  }

  static async start(options: RigOptions): Promise<Rig> {
    const rig = new Rig(await mkdtemp(join(tmpdir(), "rower-soak-")), options);
    await rig.writeServed(options.initial);
    let sourceArgs: string[];
    let env: Record<string, string> = {};
    if (options.source === "file") {
      sourceArgs = ["--source", `file:${rig.servedFile}`];
    } else {
      rig.emulator = await spawnEmulator(options.source, rig.servedFile);
      env = rig.emulator.env;
      sourceArgs = ["--source", options.source, ...(options.source === "ec2" ? ["--poll-interval", "200ms"] : [])];
    }
    const command = [...(options.wrapper ?? []), process.execPath, ...(options.nodeArgs ?? []), BUNDLE, "run", "--log-format", "json",
      ...sourceArgs, "--manifest-dir", rig.manifestDir, "--state-dir", join(rig.root, "state"), "--node-name", "node-1", ...(options.daemonArgs ?? [])];
    const [program = process.execPath, ...args] = command;
    rig.daemon = spawn(program, args, { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "", ...env } });
    rig.daemon.stderr?.setEncoding("utf8").on("data", (chunk: string) => rig.feed(chunk));
    await rig.recorder.next("sync.applied", 0, 60_000);
    return rig;
  }

  /** The daemon's log lines; each end of an apply makes the observer take a settled sample. */
  private feed(chunk: string): void {
    const from = this.recorder.mark();
    this.recorder.feed(chunk);
    const ended = this.recorder.events.slice(from).some((e) => APPLY_ENDED.has(String(e.event)));
    if (ended) void this.observer.settled();
  }

  get manifestDir(): string {
    return join(this.root, "manifests");
  }

  get servedFile(): string {
    return join(this.root, "pods.yaml");
  }

  /** Replaces the served file whole (an editor's atomic save). */
  async writeServed(text: string | Uint8Array): Promise<void> {
    await writeFile(`${this.servedFile}.next`, text);
    await rename(`${this.servedFile}.next`, this.servedFile);
  }

  /** The emulator's admin API. */
  async admin(method: string, route: string, body?: string): Promise<void> {
    const response = await fetch(`${this.emulator?.url}/_emulator/${route}`, { method, body: body ?? null });
    if (!response.ok) throw new Error(`soak: admin ${method} ${route} answered ${response.status}`);
  }

  /** Serves a new value the way the source kind takes it. */
  async serve(text: string): Promise<void> {
    if (this.options.source === "gce") await this.admin("PUT", "instance/attributes/kube-pods", text);
    else if (this.options.source === "ec2") await this.admin("PUT", "user-data", text);
    else await this.writeServed(text);
  }

  /** The daemon's peak resident set so far (VmHWM), in KiB. */
  async peakRssKb(): Promise<number> {
    const status = await readFile(`/proc/${this.daemon?.pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  }

  alive(): boolean {
    return this.daemon !== undefined && this.daemon.exitCode === null && this.daemon.signalCode === null;
  }

  async close(): Promise<void> {
    if (this.daemon) await stopProcess(this.daemon, "SIGKILL");
    if (this.emulator) await stopProcess(this.emulator.child);
    await rm(this.root, { recursive: true, force: true });
  }
}
