// `rower diff` end to end: the built executable against real temp directories, a file
// input, standard input, a `file:` source and the GCE emulator.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../../src/emulator/start-emulator.js";
import { applyPlan } from "../../src/manifests/apply-plan.js";
import { observeDirectory } from "../../src/manifests/observe-directory.js";
import { planManifests } from "../../src/manifests/plan-manifests.js";

const ROWER = new URL("../../dist/rower.cjs", import.meta.url).pathname;

const podYaml = (name: string, image: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: main\n    image: ${image}\n`;
const TWO_PODS = `${podYaml("hello", "nginx:1.27")}---\n${podYaml("clock", "busybox:1.36")}`;

interface Run { code: number | null; stdout: string; stderr: string }

async function rower(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const k of Object.keys(env)) if (k.startsWith("ROWER_") && !(options.env && k in options.env)) delete env[k];
  const child = spawn(process.execPath, [ROWER, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => { stdout += c; });
  child.stderr.setEncoding("utf8").on("data", (c: string) => { stderr += c; });
  child.stdin.end(options.stdin ?? "");
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout, stderr };
}

let root: string;
let dir: string;
let stateDir: string;
let input: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rower-diff-"));
  dir = join(root, "manifests");
  stateDir = join(root, "state");
  input = join(root, "pods.yaml");
  await writeFile(input, TWO_PODS);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const dirFlags = (): string[] => ["--manifest-dir", dir, "--state-dir", stateDir, "--node-name", "node-1"];

/** Brings the directory to what the diff says, the way a sync does: render via the CLI, plan, apply. */
async function applyFromInput(): Promise<void> {
  const rendered = await rower(["render", "-o", "json", input]);
  expect(rendered.code).toBe(0);
  const desired = JSON.parse(rendered.stdout) as Array<{ file: string; content: string }>;
  await applyPlan(planManifests(desired, await observeDirectory(dir)), { dir });
}

describe("rower diff", () => {
  it("on an empty directory: every file is a creation, exit 1, nothing written", async () => {
    const r = await rower(["diff", input, ...dirFlags()]);
    expect(r.code).toBe(1);
    const headers = r.stdout.split("\n").filter((l) => l.startsWith("--- ") || l.startsWith("+++ "));
    expect(headers).toEqual(["--- /dev/null", `+++ ${dir}/clock.yaml`, "--- /dev/null", `+++ ${dir}/hello.yaml`]);
    expect(r.stdout).toContain("+    - image: nginx:1.27\n");
    expect(r.stdout).toContain('+    rower.static/managed: "true"\n');
    expect(r.stdout.endsWith("2 to create, 0 to update, 0 to delete, 0 unchanged, 0 conflicts\n")).toBe(true);
    await expect(lstat(dir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("after a sync: nothing to do, exit 0", async () => {
    await applyFromInput();
    const r = await rower(["diff", input, ...dirFlags()]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe("0 to create, 0 to update, 0 to delete, 2 unchanged, 0 conflicts\n");
  });

  it("one changed pod and one removed: an update hunk and a deletion, files untouched", async () => {
    await applyFromInput();
    const before = { hello: await readFile(join(dir, "hello.yaml"), "utf8"), clock: await readFile(join(dir, "clock.yaml"), "utf8") };
    const r = await rower(["diff", "-", ...dirFlags()], { stdin: podYaml("hello", "nginx:1.28") });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`--- ${dir}/clock.yaml\n+++ /dev/null\n`);
    expect(r.stdout).toContain(`--- ${dir}/hello.yaml\n+++ ${dir}/hello.yaml\n`);
    expect(r.stdout).toContain("-    - image: nginx:1.27\n+    - image: nginx:1.28\n");
    expect(r.stdout.endsWith("0 to create, 1 to update, 1 to delete, 0 unchanged, 0 conflicts\n")).toBe(true);
    expect(await readFile(join(dir, "hello.yaml"), "utf8")).toBe(before.hello);
    expect(await readFile(join(dir, "clock.yaml"), "utf8")).toBe(before.clock);
  });

  it("a foreign file where a pod's file goes is a conflict (stderr), exit 2: a sync would fail", async () => {
    await mkdir(dir);
    await writeFile(join(dir, "hello.yaml"), podYaml("hello", "mine:1"));
    const r = await rower(["diff", input, ...dirFlags()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "rower diff: conflict: hello.yaml: foreign-file\nrower diff: 1 conflict(s): a sync would apply nothing until they are resolved\n",
    );
    expect(r.stdout.endsWith("1 to create, 0 to update, 0 to delete, 0 unchanged, 1 conflicts\n")).toBe(true);
  });

  it("invalid input: errors in the validate text format, exit 2, nothing written", async () => {
    await writeFile(input, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: main\n");
    const r = await rower(["diff", input, ...dirFlags()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('The Pod "web" is invalid:\n');
    expect(r.stderr).toContain("* spec.containers[0].image: Required value");
    await expect(lstat(dir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("an empty input means the empty set: rower's files would be deleted, foreign ones not", async () => {
    await applyFromInput();
    await writeFile(join(dir, "notes.txt"), "mine\n");
    const r = await rower(["diff", "-", ...dirFlags()], { stdin: "\n" });
    expect(r.code).toBe(1);
    expect(r.stdout.endsWith("0 to create, 0 to update, 2 to delete, 0 unchanged, 0 conflicts\n")).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(["clock.yaml", "hello.yaml", "notes.txt"]);
  });

  it("a missing file is a one-line I/O error, exit 2", async () => {
    const r = await rower(["diff", join(root, "nope.yaml"), ...dirFlags()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("nope.yaml");
  });

  it("without FILE, reads the configured source: file: via ROWER_SOURCE", async () => {
    const r = await rower(["diff", ...dirFlags()], { env: { ROWER_SOURCE: `file:${input}` } });
    expect(r.code).toBe(1);
    expect(r.stdout.endsWith("2 to create, 0 to update, 0 to delete, 0 unchanged, 0 conflicts\n")).toBe(true);
  });

  it("without FILE, reads the configured source: the GCE emulator", async () => {
    const emulator = await startEmulator("gce", { file: input, key: "kube-pods" });
    try {
      await applyFromInput();
      const r = await rower(["diff", "--source", "gce", ...dirFlags()], { env: emulator.env });
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(r.stdout).toBe("0 to create, 0 to update, 0 to delete, 2 unchanged, 0 conflicts\n");
    } finally {
      await emulator.close();
    }
  });

  it("a daemon-only option (--listen, --poll-interval, --absent-confirm, --log-format) is a usage error, not silently ignored", async () => {
    for (const flag of [["--listen", ":9478"], ["--poll-interval", "1s"], ["--absent-confirm", "0"], ["--log-format", "text"]]) {
      const r = await rower(["diff", input, ...flag, ...dirFlags()]);
      expect(r.code, flag[0]).toBe(2);
      expect(r.stderr, flag[0]).toContain(`unknown option '${flag[0]}'`);
    }
  });

  it("a bad option value is a usage error naming it", async () => {
    const r = await rower(["diff", input, "--max-bytes", "lots", ...dirFlags()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--max-bytes");
  });
});
