import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPlan } from "../../src/manifests/apply-plan.js";
import { observeDirectory } from "../../src/manifests/observe-directory.js";
import { planManifests } from "../../src/manifests/plan-manifests.js";
import { ManifestIoError } from "../../src/manifests/manifest-io-error.js";
import type { DesiredManifest } from "../../src/manifests/manifest-plan.js";

const pod = (name: string, image = "nginx:1.27"): DesiredManifest => ({
  file: `${name}.yaml`,
  content: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  annotations:\n    rower.static/managed: "true"\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`,
});
const OLD = new Date("2001-02-03T04:05:06Z");

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rower-apply-"));
  dir = join(root, "manifests");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** plan + apply, as one sync does. */
async function sync(desired: DesiredManifest[], target = dir) {
  const plan = planManifests(desired, await observeDirectory(target));
  return applyPlan(plan, { dir: target });
}

/** Every entry (dotfiles included) with its bytes or link target and mtime. */
async function snapshot(target = dir): Promise<Record<string, { bytes?: string; link?: string; mtimeMs: number }>> {
  const out: Record<string, { bytes?: string; link?: string; mtimeMs: number }> = {};
  for (const name of (await readdir(target)).sort()) {
    const st = await lstat(join(target, name));
    if (st.isSymbolicLink()) out[name] = { link: await readlink(join(target, name)), mtimeMs: st.mtimeMs };
    else if (st.isFile()) out[name] = { bytes: await readFile(join(target, name), "utf8"), mtimeMs: st.mtimeMs };
    else out[name] = { mtimeMs: st.mtimeMs };
  }
  return out;
}

async function ageAll(target = dir): Promise<void> {
  for (const name of await readdir(target)) {
    const st = await lstat(join(target, name));
    if (st.isFile()) await utimes(join(target, name), OLD, OLD);
  }
}

describe("applyPlan", () => {
  it("creates the missing directory 0755 and files 0644 with exact bytes, no temp files left", async () => {
    const result = await sync([pod("a"), pod("b")]);
    expect(result).toMatchObject({ created: 2, updated: 0, deleted: 0, unchanged: 0, conflicts: 0, complete: true });
    expect((await lstat(dir)).mode & 0o777).toBe(0o755);
    expect((await readdir(dir)).sort()).toEqual(["a.yaml", "b.yaml"]);
    for (const p of [pod("a"), pod("b")]) {
      expect(await readFile(join(dir, p.file), "utf8")).toBe(p.content);
      expect((await lstat(join(dir, p.file))).mode & 0o777).toBe(0o644);
    }
    expect(result.record.map((r) => r.file)).toEqual(["a.yaml", "b.yaml"]);
  });

  it("changing one pod leaves every other file's bytes and mtime identical; foreign files untouched", async () => {
    await sync([pod("a"), pod("b"), pod("c")]);
    await writeFile(join(dir, "by-hand.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hand\n");
    await writeFile(join(dir, "README"), "not a pod\n");
    await ageAll();
    const before = await snapshot();

    const result = await sync([pod("a"), pod("b", "nginx:1.28"), pod("c")]);
    expect(result).toMatchObject({ created: 0, updated: 1, deleted: 0, unchanged: 2, conflicts: 0 });
    const after = await snapshot();
    expect(after["b.yaml"]?.bytes).toBe(pod("b", "nginx:1.28").content);
    for (const name of ["a.yaml", "c.yaml", "by-hand.yaml", "README"]) expect(after[name]).toEqual(before[name]);
  });

  it("deletes only owned files, never foreign ones", async () => {
    await sync([pod("a"), pod("b")]);
    await writeFile(join(dir, "x.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n# rower.static/managed: \"true\"\n");
    const result = await sync([]);
    expect(result).toMatchObject({ deleted: 2, conflicts: 0 });
    expect(await readdir(dir)).toEqual(["x.yaml"]);
  });

  it("a symlink at a target name is a conflict: neither it nor what it points to changes", async () => {
    const outside = join(root, "outside.yaml");
    await writeFile(outside, "precious\n");
    await mkdir(dir);
    await symlink(outside, join(dir, "a.yaml"));
    const result = await sync([pod("a"), pod("b")]);
    expect(result.conflictList).toEqual([{ file: "a.yaml", reason: "symlink" }]);
    expect(result.created).toBe(1);
    expect(await readlink(join(dir, "a.yaml"))).toBe(outside);
    expect(await readFile(outside, "utf8")).toBe("precious\n");
  });

  it("a file replaced by a symlink between plan and apply is a conflict, the link target untouched", async () => {
    await sync([pod("a")]);
    const plan = planManifests([pod("a", "nginx:2")], await observeDirectory(dir));
    const outside = join(root, "outside.yaml");
    await writeFile(outside, "precious\n");
    await unlink(join(dir, "a.yaml"));
    await symlink(outside, join(dir, "a.yaml"));
    const result = await applyPlan(plan, { dir });
    expect(result.conflictList).toEqual([{ file: "a.yaml", reason: "symlink" }]);
    expect(await readlink(join(dir, "a.yaml"))).toBe(outside);
    expect(await readFile(outside, "utf8")).toBe("precious\n");
    expect(await readdir(dir)).toEqual(["a.yaml"]);
  });

  it("a file edited between plan and apply is not overwritten (re-checked before rename)", async () => {
    await sync([pod("a"), pod("b")]);
    const plan = planManifests([pod("a", "nginx:2")], await observeDirectory(dir));
    await writeFile(join(dir, "a.yaml"), "someone else's\n");
    await writeFile(join(dir, "b.yaml"), "edited too\n");
    const result = await applyPlan(plan, { dir });
    expect(result.conflictList.map((c) => `${c.file}:${c.reason}`)).toEqual(["a.yaml:changed-since-plan", "b.yaml:changed-since-plan"]);
    expect(await readFile(join(dir, "a.yaml"), "utf8")).toBe("someone else's\n");
    expect(await readFile(join(dir, "b.yaml"), "utf8")).toBe("edited too\n");
    // Still rower's by the record: the next sync restores them (drift), it just did not race.
    expect(result.record.map((r) => r.file)).toEqual(["a.yaml", "b.yaml"]);
  });

  it("one target changed between plan and commit: nothing of the set is committed, no temp left", async () => {
    await sync([pod("a"), pod("b")]);
    await ageAll();
    const before = await snapshot();
    const plan = planManifests([pod("a", "nginx:2"), pod("b", "nginx:2"), pod("c")], await observeDirectory(dir));
    await writeFile(join(dir, "b.yaml"), "someone else's\n");
    const result = await applyPlan(plan, { dir });
    expect(result).toMatchObject({ created: 0, updated: 0, deleted: 0, complete: true });
    expect(result.conflictList).toEqual([{ file: "b.yaml", reason: "changed-since-plan" }]);
    expect((await readdir(dir)).sort()).toEqual(["a.yaml", "b.yaml"]);
    expect((await snapshot())["a.yaml"]).toEqual(before["a.yaml"]);
  });

  it("a file deleted between plan and apply is written again", async () => {
    await sync([pod("a")]);
    const plan = planManifests([pod("a", "nginx:2")], await observeDirectory(dir));
    await unlink(join(dir, "a.yaml"));
    const result = await applyPlan(plan, { dir });
    expect(result).toMatchObject({ updated: 1, conflicts: 0 });
    expect(await readFile(join(dir, "a.yaml"), "utf8")).toBe(pod("a", "nginx:2").content);
  });

  it("a file that appeared at a create target between plan and apply is kept", async () => {
    await mkdir(dir);
    const plan = planManifests([pod("a")], await observeDirectory(dir));
    await writeFile(join(dir, "a.yaml"), "raced in\n");
    const result = await applyPlan(plan, { dir });
    expect(result.conflictList).toEqual([{ file: "a.yaml", reason: "changed-since-plan" }]);
    expect(await readFile(join(dir, "a.yaml"), "utf8")).toBe("raced in\n");
  });

  it("removes stale .rower-*.tmp files and leaves other dotfiles alone", async () => {
    await mkdir(dir);
    await writeFile(join(dir, ".rower-a.yaml.0011aa.tmp"), "half a po");
    await writeFile(join(dir, ".keep"), "x");
    const events: string[] = [];
    const plan = planManifests([pod("a")], await observeDirectory(dir));
    await applyPlan(plan, { dir, log: (event, fields) => events.push(`${event}:${String(fields["file"])}`) });
    expect((await readdir(dir)).sort()).toEqual([".keep", "a.yaml"]);
    expect(events).toEqual(["manifest.tempRemoved:.rower-a.yaml.0011aa.tmp", "manifest.written:a.yaml"]);
  });

  it("takes the stale temps from the plan's observation instead of listing the directory again", async () => {
    await mkdir(dir);
    await writeFile(join(dir, ".rower-a.yaml.0011aa.tmp"), "half a po");
    await writeFile(join(dir, ".keep"), "x");
    const observed = await observeDirectory(dir);
    expect(observed.tempFiles).toEqual([".rower-a.yaml.0011aa.tmp"]);
    // Appears after the observation: an apply working from that listing does not see it.
    await writeFile(join(dir, ".rower-b.yaml.22bb33.tmp"), "half a po");
    const events: string[] = [];
    await applyPlan(planManifests([pod("a")], observed), {
      dir, tempFiles: observed.tempFiles, log: (event, fields) => events.push(`${event}:${String(fields["file"])}`),
    });
    expect((await readdir(dir)).sort()).toEqual([".keep", ".rower-b.yaml.22bb33.tmp", "a.yaml"]);
    expect(events).toEqual(["manifest.tempRemoved:.rower-a.yaml.0011aa.tmp", "manifest.written:a.yaml"]);
  });

  it("an abort while staging discards what was staged: the old set stays, no temp left", async () => {
    await sync([pod("a"), pod("b")]);
    await ageAll();
    const before = await snapshot();
    const plan = planManifests([pod("a", "nginx:2"), ...["c", "d", "e", "f"].map((n) => pod(n))], await observeDirectory(dir));
    // Turns aborted after three files were staged (staging looks before each file).
    let looks = 0;
    const signal = { get aborted() { return ++looks > 3; } } as AbortSignal;
    const result = await applyPlan(plan, { dir, signal });
    expect(looks).toBeGreaterThan(3);
    expect(result).toMatchObject({ created: 0, updated: 0, complete: false });
    expect(await snapshot()).toEqual(before);
  });

  it("an aborted signal stops before the next file", async () => {
    const controller = new AbortController();
    controller.abort();
    const plan = planManifests([pod("a")], await observeDirectory(dir));
    const result = await applyPlan(plan, { dir, signal: controller.signal });
    expect(result).toMatchObject({ created: 0, complete: false });
    expect(await readdir(dir)).toEqual([]);
  });

  it("a path component that is a regular file fails with a typed ENOTDIR error", async () => {
    await writeFile(join(root, "not-a-dir"), "x");
    const target = join(root, "not-a-dir", "manifests");
    const plan = planManifests([pod("a")], { entries: [] });
    const err = await applyPlan(plan, { dir: target }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestIoError);
    expect(err).toMatchObject({ name: "ManifestIoError", code: "ENOTDIR" });
    expect(await readFile(join(root, "not-a-dir"), "utf8")).toBe("x");
  });

  it("observeDirectory reports ENOTDIR the same way", async () => {
    await writeFile(join(root, "file"), "x");
    await expect(observeDirectory(join(root, "file"))).rejects.toMatchObject({ code: "ENOTDIR" });
  });

  it("a recorded file taken over (neither marker nor recorded bytes) is not deleted, and leaves the record", async () => {
    const first = await sync([pod("a"), pod("b")]);
    await writeFile(join(dir, "b.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n# mine now\n");
    const result = await applyPlan(planManifests([pod("a")], await observeDirectory(dir, first.record)), { dir });
    expect(result).toMatchObject({ deleted: 0, conflicts: 0 });
    expect(await readFile(join(dir, "b.yaml"), "utf8")).toContain("# mine now");
    expect(result.record.map((r) => r.file)).toEqual(["a.yaml"]);
  });

  it("with the record from the last apply, a rower file stripped of its marker is still rower's: restored", async () => {
    const first = await sync([pod("a")]);
    await writeFile(join(dir, "a.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n");
    const withRecord = await applyPlan(planManifests([pod("a")], await observeDirectory(dir, first.record)), { dir });
    expect(withRecord).toMatchObject({ updated: 1, conflicts: 0 });
    expect(await readFile(join(dir, "a.yaml"), "utf8")).toBe(pod("a").content);

    // Without the record (state lost), the same edit makes it foreign: a conflict, left alone.
    await writeFile(join(dir, "a.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n");
    const withoutRecord = await sync([pod("a")]);
    expect(withoutRecord.conflictList).toEqual([{ file: "a.yaml", reason: "foreign-file" }]);
    expect(await readFile(join(dir, "a.yaml"), "utf8")).toBe("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n");
  });
});
