// The GCE walk-through (docs/gce.md) against the local GCE emulator: the kube-pods files
// it ships become manifests, and rolling to v2 rewrites nginx and adds clock.
import { type ChildProcessWithoutNullStreams, execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "./launch-material.js";

const CLI = join(REPO, "dist/rower.mjs");
const run = promisify(execFile);

function commandsAreBuilt(): boolean {
  if (!existsSync(CLI)) return false;
  return ["run", "emulate"].every((command) => {
    const help = spawnSync(process.execPath, [CLI, command, "--help"], { encoding: "utf8" });
    return help.status === 0 && !help.stdout.includes("(not built yet)");
  });
}
const ready = commandsAreBuilt();

/** Starts `rower emulate gce --file FILE` and resolves with its endpoint (its first stdout line). */
async function startGceEmulator(file: string): Promise<{ endpoint: string; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, [CLI, "emulate", "gce", "--file", file]);
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`rower emulate exited ${code} before printing its endpoint`)));
  });
  const host = /^GCE_METADATA_HOST=(\S+)$/.exec(first)?.[1];
  if (!host) throw new Error(`unexpected first line from rower emulate: ${first}`);
  return { endpoint: `http://${host}`, child };
}

describe.skipIf(!ready)(
  ready ? "the GCE walk-through" : "the GCE walk-through (skipped: dist/rower.mjs lacks run or emulate)",
  () => {
    const dir = mkdtempSync(join(tmpdir(), "rower-gce-walk-through-"));
    const emulators: ChildProcessWithoutNullStreams[] = [];
    afterAll(() => {
      for (const child of emulators) child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    });

    async function syncOnce(podsFile: string): Promise<void> {
      const emulator = await startGceEmulator(join(REPO, podsFile));
      emulators.push(emulator.child);
      await run(process.execPath, [
        CLI, "run", "--once", "--source", "gce", "--metadata-endpoint", emulator.endpoint,
        "--manifest-dir", join(dir, "manifests"), "--state-dir", join(dir, "state"),
        "--node-name", "rower-1", "--log-format", "json",
      ]);
      emulator.child.kill("SIGTERM");
    }

    it("applies kube-pods.yaml, then rolls to kube-pods-v2.yaml", async () => {
      await syncOnce("examples/gce/kube-pods.yaml");
      expect(readdirSync(join(dir, "manifests")).filter((f) => !f.startsWith("."))).toEqual(["nginx.yaml"]);
      expect(readFileSync(join(dir, "manifests/nginx.yaml"), "utf8")).toContain("image: nginx:1.27-alpine");

      await syncOnce("examples/gce/kube-pods-v2.yaml");
      expect(readdirSync(join(dir, "manifests")).filter((f) => !f.startsWith(".")).sort()).toEqual(["clock.yaml", "nginx.yaml"]);
      expect(readFileSync(join(dir, "manifests/nginx.yaml"), "utf8")).toContain("image: nginx:1.28-alpine");
    });
  },
);
