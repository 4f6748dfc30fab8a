// The failure-policy row "disk full, read-only, permission denied": no partial file becomes
// visible, old files stay as they were, no temp file is left, and the error has a stable code.
import { sha256Hex } from "../../src/digest/sha256-hex.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmod, mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPlan } from "../../src/manifests/apply-plan.js";
import { observeDirectory } from "../../src/manifests/observe-directory.js";
import { planManifests } from "../../src/manifests/plan-manifests.js";
import type { DesiredManifest } from "../../src/manifests/manifest-plan.js";
import { mountTinyTmpfs, remountReadOnly, setImmutable, unmount } from "./scratch-filesystem.js";

const pod = (name: string, padding = 0): DesiredManifest => ({
  file: `${name}.yaml`,
  content: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  annotations:\n    rower.static/managed: "true"\n    pad: "${"x".repeat(padding)}"\nspec: {}\n`,
});

async function sync(dir: string, desired: DesiredManifest[]) {
  return applyPlan(planManifests(desired, await observeDirectory(dir)), { dir });
}

async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = await readFile(join(dir, name), "utf8");
  return out;
}

/** Names with sizes and digests: a readable failure message when the bytes differ. */
function digests(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, `${text.length} ${sha256Hex(Buffer.from(text)).slice(0, 12)}`]));
}

let root: string;
let dir: string;
let mounted = false;
let immutable = false;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rower-fail-"));
  dir = join(root, "manifests");
  await mkdir(dir);
});
afterEach(async () => {
  if (immutable) setImmutable(dir, false);
  if (mounted) unmount(dir);
  mounted = immutable = false;
  await chmod(dir, 0o755); // undo the EACCES case so the directory can be removed
  await rm(root, { recursive: true, force: true });
});

describe("applyPlan on a filesystem that refuses", () => {
  it("disk full (ENOSPC): the big write fails, nothing partial is visible, old files kept", async (ctx) => {
    mounted = mountTinyTmpfs(dir, 64);
    if (!mounted) return ctx.skip("cannot mount a tmpfs here (needs mount privilege)");
    await sync(dir, [pod("a"), pod("b")]);
    const before = await contents(dir);

    const err = await sync(dir, [pod("a", 200_000), pod("b")]).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ManifestIoError", code: "ENOSPC" });
    expect(await contents(dir)).toEqual(before);
  });

  it("disk full midway through the writes (ENOSPC): the old set stays whole, no new file is visible", async (ctx) => {
    // Six small pods (a page each) become six of ~40 KiB: 120 KiB holds the old set plus two
    // new files, so the third write fails. Written one by one, two pods would be new and four old.
    mounted = mountTinyTmpfs(dir, 120);
    if (!mounted) return ctx.skip("cannot mount a tmpfs here (needs mount privilege)");
    const names = ["a", "b", "c", "d", "e", "f"];
    await sync(dir, names.map((n) => pod(n)));
    const before = await contents(dir);

    const err = await sync(dir, names.map((n) => pod(n, 36_000))).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ManifestIoError", code: "ENOSPC" });
    expect(digests(await contents(dir))).toEqual(digests(before));
  });

  it("read-only filesystem (EROFS): typed error, files untouched, nothing deleted", async (ctx) => {
    mounted = mountTinyTmpfs(dir, 256);
    if (!mounted) return ctx.skip("cannot mount a tmpfs here (needs mount privilege)");
    await sync(dir, [pod("a"), pod("b")]);
    const before = await contents(dir);
    if (!remountReadOnly(dir)) return ctx.skip("cannot remount read-only here");

    await expect(sync(dir, [pod("a", 10)])).rejects.toMatchObject({ code: "EROFS" });
    await expect(sync(dir, [pod("a"), pod("b"), pod("c")])).rejects.toMatchObject({ code: "EROFS" });
    expect(await contents(dir)).toEqual(before);
  });

  it("permission denied (immutable directory, EPERM even for root): typed error, files untouched", async (ctx) => {
    await sync(dir, [pod("a")]);
    const before = await contents(dir);
    immutable = setImmutable(dir, true);
    if (!immutable) return ctx.skip("this filesystem has no immutable attribute (chattr +i)");

    await expect(sync(dir, [pod("a", 10), pod("b")])).rejects.toMatchObject({ name: "ManifestIoError", code: "EPERM" });
    expect(await contents(dir)).toEqual(before);
  });

  it("permission denied for an unprivileged user (EACCES): typed error, files untouched", async (ctx) => {
    if (process.getuid?.() === 0) return ctx.skip("root ignores permission bits; the immutable-directory case covers root");
    await sync(dir, [pod("a")]);
    const before = await contents(dir);
    await chmod(dir, 0o555);
    await expect(sync(dir, [pod("a", 10), pod("b")])).rejects.toMatchObject({ name: "ManifestIoError", code: "EACCES" });
    expect(await contents(dir)).toEqual(before);
  });
});
