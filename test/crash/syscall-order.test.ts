// Durability, proven from the syscalls rather than hoped: the built `rower run --once` runs
// under `strace -f` while it creates, updates and deletes pods, and the trace must show, for
// every file it puts in place: its temp written, that temp fsynced, renamed onto the target,
// then the directory fsynced; and no write ever reaches a non-dot path of the directory. A
// SIGKILL suite cannot see a missing fsync or an in-place rewrite; this can.
// Skips with a message when strace is missing or ptrace is not permitted here.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { BUNDLE } from "../e2e/spawned-rower.js";

const TRACED = [
  "open", "openat", "creat", "write", "writev", "pwrite64", "pwritev", "pwritev2", "truncate", "ftruncate",
  "fsync", "fdatasync", "rename", "renameat", "renameat2", "unlink", "unlinkat",
];
const WRITES = new Set(["write", "writev", "pwrite64", "pwritev", "pwritev2", "ftruncate"]);

function pod(name: string, image: string): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: main\n    image: ${image}\n`;
}

/** Why strace cannot run here, or undefined when it can. */
function straceUnavailable(): string | undefined {
  const probe = spawnSync("strace", ["-f", "-o", "/dev/null", "true"], { encoding: "utf8" });
  if (probe.error) return `strace is not installed (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})`;
  if (probe.status !== 0) return `strace cannot trace here (ptrace not permitted?): ${probe.stderr.trim()}`;
  return undefined;
}

/** One syscall: where it started and ended in the trace, its arguments and its result. */
interface Call {
  pid: string;
  name: string;
  args: string;
  result: string;
  start: number;
  end: number;
}

/** Joins strace's `<unfinished ...>` / `<... resumed>` halves (threads interleave) into calls. */
function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  const pending = new Map<string, Call>();
  text.split("\n").forEach((line, index) => {
    const unfinished = /^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$/.exec(line);
    if (unfinished) {
      const [, pid = "", name = "", args = ""] = unfinished;
      pending.set(pid, { pid, name, args, result: "", start: index, end: index });
      return;
    }
    const resumed = /^(\d+)\s+<\.\.\. (\w+) resumed>(.*)\)\s+= (.*)$/.exec(line);
    if (resumed) {
      const [, pid = "", , rest = "", result = ""] = resumed;
      const call = pending.get(pid);
      if (!call) throw new Error(`trace line ${index}: resumed without a start: ${line}`);
      pending.delete(pid);
      calls.push({ ...call, args: call.args + rest, result, end: index });
      return;
    }
    const whole = /^(\d+)\s+(\w+)\((.*)\)\s+= (.*)$/.exec(line);
    if (whole) {
      const [, pid = "", name = "", args = "", result = ""] = whole;
      calls.push({ pid, name, args, result, start: index, end: index });
    }
  });
  return calls.sort((a, b) => a.start - b.start);
}

/** The path strace -y prints for the fd in the first argument. */
function fdPath(call: Call): string | undefined {
  return /^\d+<([^>]*)>/.exec(call.args)?.[1];
}

/** The quoted path arguments, in order (open/rename/unlink and their *at forms). */
function pathArgs(call: Call): string[] {
  return [...call.args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? "");
}

const isNonDotIn = (dir: string, path: string): boolean => dirname(path) === dir && !basename(path).startsWith(".");
const ok = (call: Call): boolean => !call.result.startsWith("-1");

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rower-strace-"));
  dir = join(root, "manifests");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function runOnce(pods: string[], strace?: string): Promise<void> {
  await writeFile(join(root, "pods.yaml"), pods.join("---\n"));
  const rower = [BUNDLE, "run", "--once", "--source", `file:${join(root, "pods.yaml")}`, "--manifest-dir", dir,
    "--state-dir", join(root, "state"), "--node-name", "node-1", "--log-format", "json"];
  const [command, args] = strace === undefined ? [process.execPath, rower]
    : ["strace", ["-f", "-qq", "-y", "-e", `trace=${TRACED.join(",")}`, "-o", strace, "--", process.execPath, ...rower]];
  // io_uring submissions would hide file writes from strace: libuv is told to use plain syscalls.
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "", UV_USE_IO_URING: "0" } });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
  const [code] = (await once(child, "close")) as [number | null];
  if (code !== 0) throw new Error(`rower run --once exited ${code}: ${stderr}`);
}

describe("the built daemon's syscalls during an apply", () => {
  it("every file: temp written → fsync(temp) → rename → fsync(dir); nothing written to a non-dot path", async (ctx) => {
    const unavailable = straceUnavailable();
    if (unavailable) return ctx.skip(unavailable);
    await runOnce([pod("keep", "nginx:1.27"), pod("change", "nginx:1.27"), pod("drop", "nginx:1.27")]);

    const tracePath = join(root, "trace");
    await runOnce([pod("keep", "nginx:1.27"), pod("change", "nginx:1.28"), pod("new-one", "busybox:1.36"), pod("new-two", "busybox:1.36")], tracePath);
    const calls = parseTrace(await readFile(tracePath, "utf8"));
    expect((await readdir(dir)).filter((f) => !f.startsWith(".")).sort()).toEqual(["change.yaml", "keep.yaml", "new-one.yaml", "new-two.yaml"]);

    // Nothing writes to a file the kubelet reads: no write-mode open, write, truncate on a non-dot path.
    for (const call of calls) {
      if (WRITES.has(call.name)) {
        expect(isNonDotIn(dir, fdPath(call) ?? ""), `${call.name}(${call.args})`).toBe(false);
      }
      if (call.name === "open" || call.name === "openat" || call.name === "creat" || call.name === "truncate") {
        const path = pathArgs(call)[0] ?? "";
        const writing = call.name === "creat" || call.name === "truncate" || /O_WRONLY|O_RDWR|O_TRUNC|O_CREAT/.test(call.args);
        expect(writing && isNonDotIn(dir, path), `${call.name}(${call.args})`).toBe(false);
      }
    }

    const dirSyncs = calls.filter((c) => (c.name === "fsync" || c.name === "fdatasync") && fdPath(c) === dir && ok(c));
    expect(dirSyncs, "one directory fsync for the whole apply").toHaveLength(1);
    const dirSync = dirSyncs[0] as Call;

    const renames = calls.filter((c) => c.name.startsWith("rename") && ok(c) && isNonDotIn(dir, pathArgs(c)[1] ?? ""));
    expect(renames.map((c) => basename(pathArgs(c)[1] ?? "")).sort()).toEqual(["change.yaml", "new-one.yaml", "new-two.yaml"]);
    for (const rename of renames) {
      const [temp = "", target = ""] = pathArgs(rename);
      const file = basename(target);
      expect(dirname(temp)).toBe(dir);
      expect(basename(temp)).toMatch(new RegExp(`^\\.rower-${file.replace(/\./g, "\\.")}\\.[0-9a-f]+\\.tmp$`));
      const writes = calls.filter((c) => WRITES.has(c.name) && c.name !== "ftruncate" && fdPath(c) === temp && ok(c));
      const syncs = calls.filter((c) => (c.name === "fsync" || c.name === "fdatasync") && fdPath(c) === temp && ok(c));
      expect(writes.length, `${file}: writes to its temp`).toBeGreaterThan(0);
      expect(syncs.length, `${file}: fsync of its temp`).toBeGreaterThan(0);
      const lastWrite = Math.max(...writes.map((c) => c.end));
      const sync = syncs.find((c) => c.start > lastWrite);
      expect(sync, `${file}: fsync(temp) after the last write`).toBeDefined();
      expect((sync as Call).end, `${file}: fsync(temp) done before the rename`).toBeLessThan(rename.start);
      expect(rename.end, `${file}: renamed before the directory fsync`).toBeLessThan(dirSync.start);
    }

    const unlinks = calls.filter((c) => c.name.startsWith("unlink") && ok(c) && isNonDotIn(dir, pathArgs(c)[0] ?? ""));
    expect(unlinks.map((c) => basename(pathArgs(c)[0] ?? ""))).toEqual(["drop.yaml"]);
    for (const unlink of unlinks) expect(unlink.end).toBeLessThan(dirSync.start);
  });
});
