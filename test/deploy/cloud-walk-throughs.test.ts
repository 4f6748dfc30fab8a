// The cloud guides against the local emulators and the built CLI: the GCE walk-through's
// kube-pods files (docs/gce.md) become manifests and rolling to v2 rewrites nginx and adds
// clock; the AWS template's user-data (docs/aws.md) becomes the nginx manifest.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { CLOUDFORMATION, REPO, cloudFormationUserData, parseCloudFormation, readRepoFile } from "./launch-material.js";

// The product under test: `npm test` builds it first. A missing build fails (the emulator
// cannot be spawned), it never skips.
const CLI = join(REPO, "dist/rower.cjs");
const run = promisify(execFile);

/** Starts `rower emulate KIND --file FILE` and resolves with its endpoint (from its first stdout line). */
async function startEmulator(kind: "gce" | "ec2", file: string): Promise<{ endpoint: string; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, [CLI, "emulate", kind, "--file", file]);
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`rower emulate exited ${code} before printing its endpoint`)));
  });
  const value = /^(?:GCE_METADATA_HOST|AWS_EC2_METADATA_SERVICE_ENDPOINT)=(\S+)$/.exec(first)?.[1];
  if (!value) throw new Error(`unexpected first line from rower emulate: ${first}`);
  return { endpoint: value.startsWith("http") ? value : `http://${value}`, child };
}

describe("the cloud guides", () => {
  const dir = mkdtempSync(join(tmpdir(), "rower-cloud-walk-throughs-"));
  const emulators: ChildProcessWithoutNullStreams[] = [];
  afterAll(() => {
    for (const child of emulators) child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  async function syncOnce(kind: "gce" | "ec2", served: string, manifests: string): Promise<void> {
    const emulator = await startEmulator(kind, served);
    emulators.push(emulator.child);
    await run(process.execPath, [
      CLI, "run", "--once", "--source", kind, "--metadata-endpoint", emulator.endpoint,
      "--manifest-dir", join(dir, manifests), "--state-dir", join(dir, `${manifests}-state`),
      "--node-name", "rower-1", "--log-format", "json",
    ]);
    emulator.child.kill("SIGTERM");
  }
  const listManifests = (manifests: string): string[] =>
    readdirSync(join(dir, manifests)).filter((f) => !f.startsWith(".")).sort();

  it("GCE: applies kube-pods.yaml, then rolls to kube-pods-v2.yaml", async () => {
    await syncOnce("gce", join(REPO, "examples/gce/kube-pods.yaml"), "gce");
    expect(listManifests("gce")).toEqual(["nginx.yaml"]);
    expect(readFileSync(join(dir, "gce/nginx.yaml"), "utf8")).toContain("image: nginx:1.27-alpine");

    await syncOnce("gce", join(REPO, "examples/gce/kube-pods-v2.yaml"), "gce");
    expect(listManifests("gce")).toEqual(["clock.yaml", "nginx.yaml"]);
    expect(readFileSync(join(dir, "gce/nginx.yaml"), "utf8")).toContain("image: nginx:1.28-alpine");
  });

  it("AWS: the template's Ignition user-data becomes the nginx manifest", async () => {
    const userData = join(dir, "aws-user-data.json");
    writeFileSync(userData, cloudFormationUserData(parseCloudFormation(readRepoFile(CLOUDFORMATION))));
    await syncOnce("ec2", userData, "aws");
    expect(listManifests("aws")).toEqual(["nginx.yaml"]);
    expect(readFileSync(join(dir, "aws/nginx.yaml"), "utf8")).toMatch(/hostNetwork: true/);
  });
});
