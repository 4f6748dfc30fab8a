import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { observeDirectory } from "../../src/manifests/observe-directory.js";
import { readManifestIdentity } from "../../src/manifests/read-manifest-identity.js";
import { sha256Hex } from "../../src/manifests/plan-manifests.js";

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

  it("a missing directory is empty", async () => {
    expect(await observeDirectory(join(dir, "nope"))).toEqual({ entries: [] });
  });

  it("a file over the kubelet's 10 MiB read limit is not read: no marker, no pod", async () => {
    const big = `metadata:\n  name: big\n  annotations:\n    rower.static/managed: "true"\n#${"x".repeat(10 * 1024 * 1024)}\n`;
    await writeFile(join(dir, "big.yaml"), big);
    const [entry] = (await observeDirectory(dir)).entries;
    expect(entry).toEqual({ name: "big.yaml", kind: "file", marker: false });
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
