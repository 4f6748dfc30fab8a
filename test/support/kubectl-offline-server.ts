// vitest globalSetup: one fake API server for the whole run, started here and not by
// kubectl-strict.sh. The script starts its server under a flock that the server inherits
// and holds for life, so any later caller whose liveness probe misses (a loaded machine,
// or two callers racing on a cold start) would wait on that lock forever. Pointing
// KUBECTL_OFFLINE_DIR at a server we started means the script only ever finds it alive.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { KUBECTL_OFFLINE_DIR, kubectlOfflineUnavailable } from "./kubectl-offline.js";

const LISTENING = /fake-apiserver: listening on http:\/\/127\.0\.0\.1:(\d+)/;

export default async function startKubectlOfflineServer(): Promise<(() => Promise<void>) | undefined> {
  if (kubectlOfflineUnavailable() !== undefined) return undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), "rower-kubectl-offline-"));
  const server = spawn("python3", [path.join(KUBECTL_OFFLINE_DIR, "fake-apiserver.py"), "--port", "0", "--port-file", path.join(dir, "server.port")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (LISTENING.test(output)) resolve();
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.once("exit", (code) => reject(new Error(`fake-apiserver exited (${code}) before listening: ${output}`)));
  });
  await listening;
  await writeFile(path.join(dir, "server.pid"), `${server.pid}\n`);
  process.env.KUBECTL_OFFLINE_DIR = dir;
  return async () => {
    server.kill();
    if (server.exitCode === null && server.signalCode === null) await once(server, "exit");
    await rm(dir, { recursive: true, force: true });
  };
}
