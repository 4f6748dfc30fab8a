// The compile cache is code rower will run: it must be used only from a directory this user
// alone can write, and turning it on must never fail a command.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compileCacheDirectory, enableCompileCache } from "../../src/cli/compile-cache.js";
import { ROWER } from "./run-cli.js";

const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "rower-cc-"));
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A stand-in for module.enableCompileCache that records the directory it was given. */
function recorder(): { calls: string[]; enable: { enableCompileCache: (dir: string) => void } } {
  const calls: string[] = [];
  return { calls, enable: { enableCompileCache: (dir) => { calls.push(dir); } } };
}

describe("compileCacheDirectory", () => {
  it("prefers systemd's CacheDirectory=, then XDG_CACHE_HOME, then ~/.cache", () => {
    expect(compileCacheDirectory({ CACHE_DIRECTORY: "/var/cache/rower:/var/cache/other", HOME: "/root" })).toBe("/var/cache/rower/compile");
    expect(compileCacheDirectory({ XDG_CACHE_HOME: "/home/a/.xdg", HOME: "/home/a" })).toBe("/home/a/.xdg/rower");
    expect(compileCacheDirectory({ HOME: "/home/a" })).toBe("/home/a/.cache/rower");
  });

  it("ignores relative paths, which would depend on the working directory", () => {
    expect(compileCacheDirectory({ XDG_CACHE_HOME: "cache", HOME: "/home/a" })).toBe("/home/a/.cache/rower");
    expect(compileCacheDirectory({ HOME: "home" })).toBeUndefined();
  });
});

describe("enableCompileCache", () => {
  it("creates the directory for this user alone and hands it to Node", () => {
    const root = tempRoot();
    const { calls, enable } = recorder();
    expect(enableCompileCache({ CACHE_DIRECTORY: root }, enable)).toBe(join(root, "compile"));
    expect(calls).toEqual([join(root, "compile")]);
    expect(statSync(join(root, "compile")).mode & 0o777).toBe(0o700);
  });

  it("refuses a directory others can write", () => {
    const root = tempRoot();
    mkdirSync(join(root, "compile"));
    chmodSync(join(root, "compile"), 0o777);
    const { calls, enable } = recorder();
    expect(enableCompileCache({ CACHE_DIRECTORY: root }, enable)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("refuses a symlink, even to a private directory", () => {
    const root = tempRoot();
    mkdirSync(join(root, "real"), { mode: 0o700 });
    symlinkSync(join(root, "real"), join(root, "compile"));
    const { calls, enable } = recorder();
    expect(enableCompileCache({ CACHE_DIRECTORY: root }, enable)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it.skipIf(process.geteuid?.() !== 0)("refuses a directory another user owns (as root)", () => {
    const root = tempRoot();
    mkdirSync(join(root, "compile"), { mode: 0o700 });
    chownSync(join(root, "compile"), 1000, 1000);
    const { calls, enable } = recorder();
    expect(enableCompileCache({ CACHE_DIRECTORY: root }, enable)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("does nothing when the user turned the cache off or chose its place, or on Node 20", () => {
    const root = tempRoot();
    const { calls, enable } = recorder();
    expect(enableCompileCache({ CACHE_DIRECTORY: root, NODE_DISABLE_COMPILE_CACHE: "1" }, enable)).toBeUndefined();
    expect(enableCompileCache({ CACHE_DIRECTORY: root, NODE_COMPILE_CACHE: join(root, "mine") }, enable)).toBeUndefined();
    expect(enableCompileCache({ CACHE_DIRECTORY: root }, {})).toBeUndefined(); // Node 20's module
    expect(calls).toEqual([]);
    expect(readdirSync(root)).toEqual([]);
  });

  it("runs without the cache when the directory cannot be made", () => {
    const root = tempRoot();
    writeFileSync(join(root, "file"), ""); // a file where a directory should be stops even root
    const { calls, enable } = recorder();
    expect(enableCompileCache({ CACHE_DIRECTORY: join(root, "file") }, enable)).toBeUndefined();
    expect(calls).toEqual([]);
  });
});

describe("the built CLI", () => {
  const major = Number(process.versions.node.split(".")[0]);
  const validate = (env: Record<string, string>) => spawnSync(process.execPath, [ROWER, "validate", "examples/pods.yaml"], {
    encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env },
  });

  it.skipIf(major < 22)("keeps its compiled code in CACHE_DIRECTORY on Node 22+", () => {
    const root = tempRoot();
    const run = validate({ CACHE_DIRECTORY: root });
    expect(run.status).toBe(0);
    const [versioned] = readdirSync(join(root, "compile"));
    expect(readdirSync(join(root, "compile", versioned ?? "")).length).toBeGreaterThan(0);
  });

  it.skipIf(major >= 22)("runs without a cache on Node 20, creating nothing", () => {
    const root = tempRoot();
    expect(validate({ CACHE_DIRECTORY: root }).status).toBe(0);
    expect(existsSync(join(root, "compile"))).toBe(false);
  });
});
