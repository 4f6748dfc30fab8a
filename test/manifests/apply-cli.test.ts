// The write path through the built CLI (`node dist/rower.cjs run --once --source file:…`) on
// real filesystems: what the daemon leaves in the directory when the disk refuses.
import { sha256Hex } from "../../src/digest/sha256-hex.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE } from "../e2e/spawned-rower.js";

import { mountTinyTmpfs, unmount } from "./scratch-filesystem.js";

const NAMES = ["a", "b", "c", "d", "e", "f"];

function podsYaml(padding: number): string {
  return NAMES.map((name) => [
    "apiVersion: v1", "kind: Pod", "metadata:", `  name: ${name}`, "  annotations:", `    example.com/pad: "${"x".repeat(padding)}"`,
    "spec:", "  containers:", "  - name: main", "    image: busybox:1.36", "",
  ].join("\n")).join("---\n");
}

let root: string;
let dir: string;
let mounted = false;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rower-apply-cli-"));
  dir = join(root, "manifests");
  await mkdir(dir);
});
afterEach(async () => {
  if (mounted) unmount(dir);
  mounted = false;
  await rm(root, { recursive: true, force: true });
});

function runOnce(): Promise<{ status: number | null; stderr: string }> {
  const args = [BUNDLE, "run", "--once", "--source", `file:${join(root, "pods.yaml")}`, "--manifest-dir", dir,
    "--state-dir", join(root, "state"), "--node-name", "node-1", "--log-format", "json"];
  // Asynchronous, so the test's timeout can fail a run that never exits.
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "" } });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
  return new Promise((resolve) => child.once("close", (status) => resolve({ status, stderr })));
}

/** Every entry, dotfiles included, with its size and digest. */
async function listing(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    if (name === ".rower.lock") continue;
    const bytes = await readFile(join(dir, name));
    out[name] = `${bytes.length} ${sha256Hex(bytes).slice(0, 12)}`;
  }
  return out;
}

describe("rower run --once on a filesystem that fills up", () => {
  it("a disk that fills midway through the writes: exit 1 (ENOSPC), exactly the old set stays, no temp file", async (ctx) => {
    // Six one-page files become six of ~40 KiB; 120 KiB holds the old set plus two new ones.
    mounted = mountTinyTmpfs(dir, 120);
    if (!mounted) return ctx.skip("cannot mount a tmpfs here (needs mount privilege)");
    await writeFile(join(root, "pods.yaml"), podsYaml(0));
    expect((await runOnce()).status).toBe(0);
    const before = await listing();
    expect(Object.keys(before)).toEqual(NAMES.map((n) => `${n}.yaml`));

    await writeFile(join(root, "pods.yaml"), podsYaml(36_000));
    const full = await runOnce();
    expect(full.status).toBe(1);
    expect(full.stderr).toMatch(/"event":"sync.failed".*"code":"ENOSPC"/);
    expect(await listing()).toEqual(before);
  });
});
