// The code cache is code rower will run: it must be used only from a directory this user
// alone can write, must never fail a command, and must be taken by V8 when it is fresh.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compileCacheDirectory, isPrivateDirectory, privateCacheDirectory } from "../../src/cli/compile-cache.js";
import { cacheFileName, loadCachedScript } from "../../src/cli/load-cached-script.js";
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

describe("privateCacheDirectory", () => {
  it("creates the directory for this user alone", () => {
    const root = tempRoot();
    expect(privateCacheDirectory({ CACHE_DIRECTORY: root })).toBe(join(root, "compile"));
    expect(statSync(join(root, "compile")).mode & 0o777).toBe(0o700);
  });

  it("refuses a directory others can write", () => {
    const root = tempRoot();
    mkdirSync(join(root, "compile"));
    chmodSync(join(root, "compile"), 0o777);
    expect(privateCacheDirectory({ CACHE_DIRECTORY: root })).toBeUndefined();
  });

  it("refuses a symlink, even to a private directory", () => {
    const root = tempRoot();
    mkdirSync(join(root, "real"), { mode: 0o700 });
    symlinkSync(join(root, "real"), join(root, "compile"));
    expect(privateCacheDirectory({ CACHE_DIRECTORY: root })).toBeUndefined();
  });

  it.skipIf(process.geteuid?.() !== 0)("refuses a directory another user owns (as root)", () => {
    const root = tempRoot();
    mkdirSync(join(root, "compile"), { mode: 0o700 });
    chownSync(join(root, "compile"), 1000, 1000);
    expect(privateCacheDirectory({ CACHE_DIRECTORY: root })).toBeUndefined();
  });

  it("trusts a directory root owns and alone can write, whoever runs (the image's cache)", () => {
    const root = tempRoot();
    const dir = join(root, "compile");
    mkdirSync(dir, { mode: 0o755 });
    expect(isPrivateDirectory(dir, statSync(dir).uid === 0 ? 4242 : statSync(dir).uid)).toBe(true);
    chmodSync(dir, 0o775);
    expect(isPrivateDirectory(dir, 4242)).toBe(false);
  });

  it.skipIf(process.geteuid?.() !== 0)("trusts no other user's directory (as root)", () => {
    const root = tempRoot();
    mkdirSync(join(root, "compile"), { mode: 0o755 });
    chownSync(join(root, "compile"), 1000, 1000);
    expect(isPrivateDirectory(join(root, "compile"), 4242)).toBe(false);
    expect(isPrivateDirectory(join(root, "compile"), 1000)).toBe(true);
  });

  it("does nothing when the user turned the cache off", () => {
    const root = tempRoot();
    expect(privateCacheDirectory({ CACHE_DIRECTORY: root, NODE_DISABLE_COMPILE_CACHE: "1" })).toBeUndefined();
    expect(readdirSync(root)).toEqual([]);
  });

  it("runs without the cache when the directory cannot be made", () => {
    const root = tempRoot();
    writeFileSync(join(root, "file"), ""); // a file where a directory should be stops even root
    expect(privateCacheDirectory({ CACHE_DIRECTORY: join(root, "file") })).toBeUndefined();
  });
});

describe("loadCachedScript", () => {
  const script = (root: string, body: string) => {
    const file = join(root, "bundle.cjs");
    writeFileSync(file, `(function (exports, require, module, __filename, __dirname) {${body}})`);
    return file;
  };
  const load = (file: string, directory: string | undefined, saves: (() => void)[] = []) =>
    loadCachedScript(file, { digest: "0123456789abcdef", directory, whenDone: (save) => saves.push(save), require: createRequire(file) });

  it("writes a cache once the code has run, and V8 takes it at the next load", () => {
    const root = tempRoot();
    const file = script(root, "exports.answer = function () { return [1, 2, 3].map((n) => n * 14).at(-1); }; exports.answer();");
    const saves: (() => void)[] = [];
    const first = load(file, root, saves);
    expect(first.cache).toBe("absent");
    expect((first.exports as { answer: () => number }).answer()).toBe(42);
    for (const save of saves) save();
    expect(readdirSync(root).filter((n) => n.endsWith(".v8"))).toEqual([cacheFileName("0123456789abcdef")]);
    const second = load(file, root, saves);
    expect(second.cache).toBe("taken");
    expect((second.exports as { answer: () => number }).answer()).toBe(42);
  });

  it("runs the code when V8 rejects the cache, and writes a new one", () => {
    const root = tempRoot();
    const file = script(root, "exports.value = 7;");
    writeFileSync(join(root, cacheFileName("0123456789abcdef")), Buffer.alloc(4096, 0x5a));
    const saves: (() => void)[] = [];
    const loaded = load(file, root, saves);
    expect(loaded).toEqual({ exports: { value: 7 }, cache: "rejected" });
    for (const save of saves) save();
    expect(load(file, root).cache).toBe("taken");
  });

  it("runs without a directory, writing nothing", () => {
    const root = tempRoot();
    const saves: (() => void)[] = [];
    expect(load(script(root, "exports.value = 7;"), undefined, saves)).toEqual({ exports: { value: 7 }, cache: "off" });
    expect(saves).toEqual([]);
  });
});

describe("the built CLI's code cache", () => {
  const validate = (root: string, options: { flags?: string[]; env?: Record<string, string> } = {}) => {
    const run = spawnSync(process.execPath, [...(options.flags ?? []), ROWER, "validate", "examples/pods.yaml"], {
      encoding: "utf8", env: { PATH: process.env.PATH ?? "", CACHE_DIRECTORY: root, ...options.env },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    return run.stdout;
  };
  const caches = (root: string) => readdirSync(join(root, "compile")).filter((name) => name.endsWith(".v8")).sort();
  const identity = (path: string) => { const s = statSync(path); return `${s.ino}:${s.mtimeMs}:${s.size}`; };

  it("is written by the first run, for this user alone, and taken as it is by the next", () => {
    const root = tempRoot();
    const first = validate(root);
    const [cache] = caches(root);
    expect(cache).toMatch(/^cli-[0-9a-f]{16}-[0-9a-f]{8}\.v8$/);
    const path = join(root, "compile", cache ?? "");
    expect(statSync(path).size).toBeGreaterThan(10_000);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const before = identity(path);
    expect(validate(root)).toBe(first);
    // V8 took it: a cache it rejects is written again.
    expect(identity(path)).toBe(before);
    expect(caches(root)).toEqual([cache]);
  });

  it("replaces a cache V8 rejects, with the command's output unchanged", () => {
    const root = tempRoot();
    const first = validate(root);
    const [cache] = caches(root);
    const path = join(root, "compile", cache ?? "");
    writeFileSync(path, Buffer.alloc(statSync(path).size, 0x5a));
    const garbage = identity(path);
    expect(validate(root)).toBe(first);
    expect(identity(path)).not.toBe(garbage);
    const rewritten = identity(path);
    validate(root);
    expect(identity(path)).toBe(rewritten);
  });

  it("keeps one cache per flag set, side by side (the CLI's and the daemon's)", () => {
    const root = tempRoot();
    validate(root);
    validate(root, { flags: ["--max-semi-space-size=1"] });
    expect(caches(root)).toHaveLength(2);
    const identities = caches(root).map((name) => identity(join(root, "compile", name)));
    validate(root);
    validate(root, { flags: ["--max-semi-space-size=1"] });
    expect(caches(root).map((name) => identity(join(root, "compile", name)))).toEqual(identities);
  });

  it("keeps one cache per command, each taken by its own command as it is", () => {
    const root = tempRoot();
    validate(root);
    const version = spawnSync(process.execPath, [ROWER, "--version"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", CACHE_DIRECTORY: root } });
    expect(version.status).toBe(0);
    expect(caches(root)).toHaveLength(2);
    const identities = caches(root).map((name) => identity(join(root, "compile", name)));
    // The cache a command made is the one it reads: neither is written again.
    validate(root);
    spawnSync(process.execPath, [ROWER, "--version"], { env: { PATH: process.env.PATH ?? "", CACHE_DIRECTORY: root } });
    expect(caches(root).map((name) => identity(join(root, "compile", name)))).toEqual(identities);
  });

  it("keeps the newest sixteen caches and drops what a killed writer left", () => {
    const root = tempRoot();
    const dir = join(root, "compile");
    mkdirSync(dir, { mode: 0o700 });
    const old = (name: string, minutesAgo: number) => {
      writeFileSync(join(dir, name), "x");
      const at = new Date(Date.now() - minutesAgo * 60_000);
      utimesSync(join(dir, name), at, at);
    };
    for (let i = 0; i < 18; i++) old(`cli-${String(i).padStart(16, "0")}-00000000.v8`, 100 + i);
    old("cli-0000000000000000-00000000.v8.123.tmp", 60);
    old("cli-0000000000000001-00000000.v8.456.tmp", 1);
    old("other-file", 1000);
    validate(root);
    const names = readdirSync(dir).sort();
    expect(names.filter((n) => n.endsWith(".v8"))).toHaveLength(16);
    // The new one and the fifteen newest old ones.
    for (let i = 0; i < 15; i++) expect(names).toContain(`cli-${String(i).padStart(16, "0")}-00000000.v8`);
    expect(names).not.toContain("cli-0000000000000015-00000000.v8");
    expect(names).not.toContain("cli-0000000000000000-00000000.v8.123.tmp");
    expect(names).toContain("cli-0000000000000001-00000000.v8.456.tmp");
    expect(names).toContain("other-file");
  });

  it("runs without a cache, creating nothing, when NODE_DISABLE_COMPILE_CACHE is set", () => {
    const root = tempRoot();
    validate(root, { env: { NODE_DISABLE_COMPILE_CACHE: "1" } });
    expect(existsSync(join(root, "compile"))).toBe(false);
  });
});
