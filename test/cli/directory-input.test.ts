// validate, render and diff take a directory as `--source file:DIR` reads it: non-dot files in
// name order, editor leftovers skipped, documents concatenated.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const pod = (name: string, image = "nginx:1.27") => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;

describe("a directory as input", () => {
  let root = "";
  const dir = (): string => join(root, "pods.d");
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-dir-input-"));
    await mkdir(dir());
    await writeFile(join(dir(), "a-web.yaml"), pod("web"));
    await writeFile(join(dir(), "b-clock.yaml"), `\uFEFF${pod("clock", "busybox:1.36")}`);
    await writeFile(join(dir(), "b-clock.yaml~"), pod("clock", "busybox:0.1")); // an editor's backup: skipped
    await writeFile(join(dir(), ".hidden.yaml"), "not: a pod\n");
  });
  afterAll(async () => { if (root) await rm(root, { recursive: true, force: true }); });

  it("validate reads every pod file, skipping dotfiles and leftovers", async () => {
    const r = await runCli(["validate", dir()]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(`${dir()}#0: pod/web validated\n${dir()}#1: pod/clock validated\n`);
  });

  it("render writes the files the daemon would", async () => {
    const r = await runCli(["render", dir()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("# file: clock.yaml");
    expect(r.stdout).toContain("busybox:1.36");
    expect(r.stdout).not.toContain("busybox:0.1");
  });

  it("diff compares it with the manifest directory", async () => {
    const r = await runCli(["diff", dir(), "--manifest-dir", join(root, "manifests"), "--state-dir", join(root, "state")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2 to create, 0 to update, 0 to delete/);
  });
});
