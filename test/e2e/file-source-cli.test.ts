// Issue 9 row 3 against the built CLI: a file: path that does not exist at start is a source
// error naming the path, so `rower run --once` exits 1 and leaves the directory as it was.
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { BUNDLE } from "./spawned-rower.js";

describe("rower run --once --source file: (built CLI)", () => {
  let root: string;
  let manifestDir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-file-cli-"));
    manifestDir = join(root, "manifests");
    await writeFile(join(root, "pods.yaml"), podsYaml(podYaml("hello"), podYaml("clock", "busybox:1.36")));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  const once = (source: string) =>
    spawnSync(process.execPath, [BUNDLE, "run", "--once", "--source", source, "--manifest-dir", manifestDir, "--state-dir", join(root, "state"), "--node-name", "node-1", "--log-format", "json"], {
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
    });
  const snapshot = async (): Promise<Record<string, { bytes: string; mtimeMs: number }>> => {
    const names = (await readdir(manifestDir)).filter((name) => !name.startsWith(".")).sort();
    return Object.fromEntries(await Promise.all(names.map(async (name) => [name, { bytes: await readFile(join(manifestDir, name), "utf8"), mtimeMs: (await stat(join(manifestDir, name))).mtimeMs }] as const)));
  };

  it("a typo in the path exits 1, names the path, and changes nothing", async () => {
    expect(once(`file:${join(root, "pods.yaml")}`).status).toBe(0);
    const before = await snapshot();
    expect(Object.keys(before)).toEqual(["clock.yaml", "hello.yaml"]);

    const typo = join(root, "pods.yml");
    const result = once(`file:${typo}`);
    expect(result.status).toBe(1);
    const errors = result.stderr.split("\n").filter((line) => line.includes('"event":"source.error"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(errors).toEqual([expect.objectContaining({ source: `file:${typo}`, kind: "unreachable", message: expect.stringContaining(typo) })]);
    expect(await snapshot()).toEqual(before);
  });
});
