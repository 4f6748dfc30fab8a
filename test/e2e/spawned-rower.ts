// Spawns the built CLI (`node dist/rower.cjs`) as real processes: emulators and daemons.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { EventRecorder } from "../daemon/event-recorder.js";

export const BUNDLE = "dist/rower.cjs";

export interface SpawnedDaemon {
  child: ChildProcess;
  recorder: EventRecorder;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export interface SpawnedEmulator {
  child: ChildProcess;
  url: string;
  env: Record<string, string>;
  exited: Promise<number | string>;
}

function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
}

/** `rower emulate KIND --file F`: resolves once its first stdout line names the client variable. */
export async function spawnEmulator(kind: "gce" | "ec2", file: string, listen = "127.0.0.1:0"): Promise<SpawnedEmulator> {
  const child = spawn(process.execPath, [BUNDLE, "emulate", kind, "--file", file, "--listen", listen], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = exitOf(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  let stdout = "";
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf("\n");
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    void exited.then((code) => reject(new Error(`emulator exited ${code}: ${stderr}`)));
  });
  const [name, value] = line.split("=", 2) as [string, string];
  const url = name === "GCE_METADATA_HOST" ? `http://${value}` : value;
  return { child, url, env: { [name]: value }, exited };
}

export function spawnDaemon(args: string[], env: Record<string, string>): SpawnedDaemon {
  const child = spawn(process.execPath, [BUNDLE, "run", "--log-format", "json", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  const recorder = new EventRecorder();
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => recorder.feed(chunk));
  return { child, recorder, exited: exitOf(child) };
}

/** Stops a process this test started, and waits for it to be gone. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = once(child, "exit");
  child.kill(signal);
  await gone;
}
