// Foreign files through the built CLI: a daemon deployed without CAP_DAC_OVERRIDE (here: run
// as nobody) meets a root-only file in its manifest directory. It is foreign, reported, and
// syncs and drift repairs go on around it. Skips without root and setpriv.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventRecorder } from "../daemon/event-recorder.js";
import { BUNDLE } from "../e2e/spawned-rower.js";

const NOBODY = ["--reuid=nobody", "--regid=nogroup", "--clear-groups"];
const SECRET = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: secret\n";

function pod(name: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: main\n    image: busybox:1.36\n`;
}

/** Why rower cannot be run as nobody here, or undefined. */
function asNobodyUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to switch to the nobody user";
  const probe = spawnSync("setpriv", [...NOBODY, process.execPath, BUNDLE, "--version"], { encoding: "utf8" });
  if (probe.error) return "setpriv is not installed";
  if (probe.status !== 0) return `cannot run rower as nobody here: ${probe.stderr.trim()}`;
  return undefined;
}

let root: string;
let dir: string;
let daemon: ChildProcess | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rower-foreign-"));
  dir = join(root, "manifests");
  await chmod(root, 0o755);
  await mkdir(dir);
  await mkdir(join(root, "state"));
  // nobody's directories; the foreign file is root's and root-only.
  const nobody = { uid: 65534, gid: 65534 };
  await chown(dir, nobody.uid, nobody.gid);
  await chown(join(root, "state"), nobody.uid, nobody.gid);
  await writeFile(join(dir, "secret.yaml"), SECRET, { mode: 0o600 });
  await writeFile(join(root, "pods.yaml"), [pod("a"), pod("b")].join("---\n"), { mode: 0o644 });
});
afterEach(async () => {
  if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
    daemon.kill("SIGKILL");
    await once(daemon, "exit");
  }
  daemon = undefined;
  await rm(root, { recursive: true, force: true });
});

function rowerArgs(once: boolean): string[] {
  return [...NOBODY, process.execPath, BUNDLE, "run", ...(once ? ["--once"] : []), "--source", `file:${join(root, "pods.yaml")}`,
    "--manifest-dir", dir, "--state-dir", join(root, "state"), "--node-name", "node-1", "--log-format", "json"];
}

function spawnRower(once: boolean): { child: ChildProcess; recorder: EventRecorder } {
  const child = spawn("setpriv", rowerArgs(once), { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "" } });
  const recorder = new EventRecorder();
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => recorder.feed(chunk));
  return { child, recorder };
}

const files = async (): Promise<string[]> => (await readdir(dir)).filter((f) => !f.startsWith(".")).sort();

describe("an unreadable foreign file in the manifest directory", () => {
  it("run --once: the set is applied around it, it is reported as unreadable, exit 0", async (ctx) => {
    const unavailable = asNobodyUnavailable();
    if (unavailable) return ctx.skip(unavailable);
    const run = spawnRower(true);
    const [code] = (await once(run.child, "exit")) as [number | null];
    expect(code, run.recorder.raw.join("\n")).toBe(0);
    expect(run.recorder.named("manifest.unreadable")).toEqual([expect.objectContaining({ file: "secret.yaml", code: "EACCES" })]);
    expect(run.recorder.named("sync.applied")).toEqual([expect.objectContaining({ created: 2 })]);
    expect(await files()).toEqual(["a.yaml", "b.yaml", "secret.yaml"]);
    expect(await readFile(join(dir, "secret.yaml"), "utf8")).toBe(SECRET);
  });

  it("the daemon repairs drift next to it", async (ctx) => {
    const unavailable = asNobodyUnavailable();
    if (unavailable) return ctx.skip(unavailable);
    const run = spawnRower(false);
    daemon = run.child;
    await run.recorder.next("sync.applied");
    const mark = run.recorder.mark();
    await unlink(join(dir, "a.yaml"));
    expect(await run.recorder.next("drift.repaired", mark)).toMatchObject({ created: 1 });
    expect(await files()).toEqual(["a.yaml", "b.yaml", "secret.yaml"]);
    expect(run.recorder.named("sync.failed")).toEqual([]);
  });
});
