import { sha256Hex } from "../../src/digest/sha256-hex.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { execFileSync, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryObserver, observeDirectory } from "../../src/manifests/observe-directory.js";
import { readManifestIdentity } from "../../src/manifests/read-manifest-identity.js";


let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rower-observe-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readManifestIdentity", () => {
  const table: Array<{ desc: string; text: string; marker: boolean; pod?: { namespace: string; name: string } }> = [
    { desc: "rower's marker", text: 'metadata:\n  name: web\n  annotations:\n    rower.static/managed: "true"\n',
      marker: true, pod: { namespace: "default", name: "web" } },
    { desc: "marker in JSON, with namespace", text: '{"metadata":{"name":"web","namespace":"ops","annotations":{"rower.static/managed":"true"}}}',
      marker: true, pod: { namespace: "ops", name: "web" } },
    { desc: "marker only mentioned in a comment", text: '# rower.static/managed: "true"\nmetadata:\n  name: web\n',
      marker: false, pod: { namespace: "default", name: "web" } },
    { desc: "marker text as a label", text: 'metadata:\n  name: web\n  labels:\n    rower.static/managed: "true"\n',
      marker: false, pod: { namespace: "default", name: "web" } },
    { desc: "unquoted true is a boolean, not rower's marker", text: "metadata:\n  name: web\n  annotations:\n    rower.static/managed: true\n",
      marker: false, pod: { namespace: "default", name: "web" } },
    { desc: "not YAML", text: "{{{{", marker: false },
    { desc: "two documents (the kubelet reads one)", text: "metadata:\n  name: a\n---\nmetadata:\n  name: b\n", marker: false },
    { desc: "no name", text: 'metadata:\n  annotations:\n    rower.static/managed: "true"\n', marker: true },
    { desc: "alias bomb is refused, not expanded", text: `a: &a [x,x,x,x,x,x,x,x,x]\n${Array.from({ length: 150 }, (_, i) => `k${i}: *a`).join("\n")}\n`, marker: false },
  ];
  for (const c of table) {
    it(c.desc, () => {
      const got = readManifestIdentity(c.text);
      expect(got).toEqual(c.pod ? { marker: c.marker, pod: c.pod } : { marker: c.marker });
    });
  }
});

describe("observeDirectory", () => {
  it("reports non-dot entries by kind, never following symlinks", async () => {
    await writeFile(join(dir, "ours.yaml"), 'metadata:\n  name: ours\n  annotations:\n    rower.static/managed: "true"\n');
    await writeFile(join(dir, "theirs.yaml"), "metadata:\n  name: theirs\n");
    await writeFile(join(dir, ".hidden"), 'metadata:\n  annotations:\n    rower.static/managed: "true"\n');
    await symlink(join(dir, "ours.yaml"), join(dir, "link.yaml"));
    await mkdir(join(dir, "sub"));
    execFileSync("mkfifo", [join(dir, "pipe")]);

    const observed = await observeDirectory(dir, [{ file: "ours.yaml", sha256: "abc" }]);
    expect(observed.record).toEqual([{ file: "ours.yaml", sha256: "abc" }]);
    expect(observed.entries.map((e) => ({ name: e.name, kind: e.kind, marker: e.marker, pod: e.pod?.name, read: e.content !== undefined })))
      .toEqual([
        { name: "link.yaml", kind: "symlink", marker: false, pod: undefined, read: false },
        { name: "ours.yaml", kind: "file", marker: true, pod: "ours", read: true },
        { name: "pipe", kind: "other", marker: false, pod: undefined, read: false },
        { name: "sub", kind: "directory", marker: false, pod: undefined, read: false },
        { name: "theirs.yaml", kind: "file", marker: false, pod: "theirs", read: true },
      ]);
  });

  it("looks at many files at once and still reports them in name order", async () => {
    // Large and small files interleaved by name: reads that finish out of order must not reorder.
    const names = Array.from({ length: 60 }, (_, i) => `p${String(i).padStart(2, "0")}.yaml`);
    await Promise.all(names.map((name, i) => writeFile(join(dir, name), `metadata:\n  name: ${name.slice(0, 3)}\n# ${"x".repeat(i % 2 === 0 ? 900_000 : 10)}\n`)));
    const observed = await observeDirectory(dir);
    expect(observed.entries.map((e) => e.name)).toEqual(names);
    expect(observed.entries.every((e) => e.pod?.name === e.name.slice(0, 3))).toBe(true);
  });

  it("a missing directory is empty", async () => {
    expect(await observeDirectory(join(dir, "nope"))).toEqual({ entries: [] });
  });

  it("a file over 1 MiB is foreign by name, never read: no marker, no pod, even on the record", async () => {
    const big = `metadata:\n  name: big\n  annotations:\n    rower.static/managed: "true"\n#${"x".repeat(1024 * 1024)}\n`;
    await writeFile(join(dir, "big.yaml"), big);
    const [entry] = (await observeDirectory(dir, [{ file: "big.yaml", sha256: sha256Hex(Buffer.from(big)) }])).entries;
    expect(entry).toEqual({ name: "big.yaml", kind: "file", marker: false, unread: "too-large" });
  });

  it("bytes matching the recorded digest are rower's without a parse; other bytes are parsed", async () => {
    const bytes = "kind: Pod\n# rower wrote exactly this\n";
    await writeFile(join(dir, "ops_web.yaml"), bytes);
    await writeFile(join(dir, "other.yaml"), "metadata:\n  name: other\n");
    const record = [
      { file: "ops_web.yaml", sha256: sha256Hex(Buffer.from(bytes)) },
      { file: "other.yaml", sha256: "0".repeat(64) },
    ];
    const entries = (await observeDirectory(dir, record)).entries;
    expect(entries.map((e) => ({ name: e.name, marker: e.marker, pod: e.pod }))).toEqual([
      { name: "ops_web.yaml", marker: true, pod: { namespace: "ops", name: "web" } },
      { name: "other.yaml", marker: false, pod: { namespace: "default", name: "other" } },
    ]);
  });
});

describe("DirectoryObserver", () => {
  const FIXED = new Date("2001-02-03T04:05:06Z");
  const text = (name: string, marker: boolean): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${marker ? '  annotations:\n    rower.static/managed: "true"\n' : ""}`;

  it("reads a foreign file again only when its device, inode, size or mtime change", async () => {
    const path = join(dir, "theirs.yaml");
    await writeFile(path, text("aaa", false));
    await utimes(path, FIXED, FIXED);
    const observer = new DirectoryObserver();
    expect((await observer.observe(dir)).entries.map((e) => e.pod?.name)).toEqual(["aaa"]);

    // Same inode, same size, mtime put back: remembered, so not read (it would say "bbb").
    await writeFile(path, text("bbb", false));
    await utimes(path, FIXED, FIXED);
    const remembered = (await observer.observe(dir)).entries;
    expect(remembered.map((e) => e.pod?.name)).toEqual(["aaa"]);
    expect(remembered[0]?.content).toBeUndefined(); // its bytes are not kept either
    expect((await observeDirectory(dir)).entries.map((e) => e.pod?.name)).toEqual(["bbb"]); // a fresh look reads it

    await utimes(path, FIXED, new Date(FIXED.getTime() + 1000));
    expect((await observer.observe(dir)).entries.map((e) => e.pod?.name)).toEqual(["bbb"]);
  });

  it("reads rower's own files on every look: an edit with its mtime put back is still seen", async () => {
    const path = join(dir, "ours.yaml");
    await writeFile(path, text("aaa", true));
    await utimes(path, FIXED, FIXED);
    const observer = new DirectoryObserver();
    const first = (await observer.observe(dir)).entries[0]?.sha256;
    await writeFile(path, text("bbb", true));
    await utimes(path, FIXED, FIXED);
    const [entry] = (await observer.observe(dir)).entries;
    expect(entry?.sha256).not.toBe(first);
    expect(entry?.pod?.name).toBe("bbb");
  });

  it("an unreadable foreign file (EACCES, run as nobody) is foreign, reported once, and the look goes on", async (ctx) => {
    const unavailable = asNobodyUnavailable();
    if (unavailable) return ctx.skip(unavailable);
    await chmod(dir, 0o755);
    await writeFile(join(dir, "secret.yaml"), text("secret", false), { mode: 0o600 });
    await writeFile(join(dir, "ours.yaml"), text("ours", true), { mode: 0o644 });
    const result = spawnSync("setpriv", [...NOBODY, process.execPath, "--import", "tsx", OBSERVE_THRICE, dir], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as { event?: string; file?: string; code?: string; entries?: unknown });
    expect(lines.filter((l) => l.event === "manifest.unreadable")).toEqual([
      { event: "manifest.unreadable", file: "secret.yaml", code: "EACCES", action: expect.any(String) },
    ]);
    const looks = lines.filter((l) => l.entries !== undefined);
    expect(looks).toHaveLength(3);
    for (const look of looks) {
      expect(look.entries).toEqual([
        { name: "ours.yaml", marker: true, unread: null },
        { name: "secret.yaml", marker: false, unread: "unreadable" },
      ]);
    }
  });
});

const OBSERVE_THRICE = new URL("./fixtures/observe-thrice.ts", import.meta.url).pathname;
const NOBODY = ["--reuid=nobody", "--regid=nogroup", "--clear-groups"];

/** Why this machine cannot run a process as nobody (the test needs root and setpriv), or undefined. */
function asNobodyUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to switch to the nobody user";
  const probe = spawnSync("setpriv", [...NOBODY, process.execPath, "--import", "tsx", "-e", "0"], { encoding: "utf8" });
  if (probe.error) return "setpriv is not installed";
  if (probe.status !== 0) return `cannot run node as nobody here: ${probe.stderr.trim()}`;
  return undefined;
}
