// Runs rower's CommonJS bundle (dist/cli.cjs) with V8's code cache. Node 20 gives ES modules
// no way to take cached code, and Node's own compile cache (22.1+) keeps a module's code as
// compiled before it ran, which is little: V8 compiles most functions on their first call.
// This cache is taken when a command is done, so it holds every function the command ran,
// and the next start deserializes them instead of parsing and compiling them.
// V8 takes a cache only from the same V8 build, under the same flags, for a source of the
// same length, and otherwise compiles as if there were none. The bundle's digest in the file
// name keeps a rebuilt bundle of the same length from meeting the old cache; the rest of the
// name (Node, flags) lets the CLI's and the daemon's caches live side by side.
import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

export interface CachedScriptOptions {
  /** The bundle's digest, fixed when it was built. */
  digest: string;
  /** The command about to run (`validate`, `run`...): each has a cache of its own. */
  command?: string;
  /** A private directory (compile-cache.ts) for the cache; undefined runs without one. */
  directory: string | undefined;
  /** When to write a new cache: at exit, once the command has run its code (tests call it themselves). */
  whenDone?: (save: () => void) => void;
  /**
   * The require the bundle loads Node's built-ins through: the entry's own. (createRequire
   * would load node:module, and with it the ES module loader, at every start.)
   */
  require: NodeJS.Require;
}

/** What became of the cache: taken by V8, rejected (a new one is written), absent (likewise), or off. */
export type CacheUse = "taken" | "rejected" | "absent" | "off";

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** FNV-1a: a short name for what else V8 checks (Node's version, flags), so variants do not overwrite each other. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * `command` keeps one cache per command: each holds the functions its own command ran, where
 * one shared cache holds those of whichever command ran first (`rower validate` with the
 * cache `rower run` made compiled its own code at every start: 1.45x -> 1.54x node -e 0).
 */
export function cacheFileName(digest: string, command = "", env: NodeJS.ProcessEnv = process.env): string {
  const variant = [process.version, process.arch, ...process.execArgv, env.NODE_OPTIONS ?? "", command].join("\0");
  return `cli-${digest}-${fnv1a(variant)}.v8`;
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Caches kept: one per build, Node, flag set and command in use (validate, run, render... a second install's). */
const KEPT_CACHES = 16;
/** A temporary this old was left by a run killed while writing it. */
const STALE_TEMP_MS = 10 * 60_000;

/** Drops all but the newest KEPT_CACHES caches, and temporaries a killed run left. */
function pruneCaches(directory: string): void {
  const now = Date.now();
  const caches: { path: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(directory)) {
    if (!name.startsWith("cli-")) continue;
    const path = join(directory, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    if (name.endsWith(".v8")) caches.push({ path, mtimeMs: stat.mtimeMs });
    else if (now - stat.mtimeMs > STALE_TEMP_MS) rmSync(path, { force: true });
  }
  caches.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { path } of caches.slice(KEPT_CACHES)) rmSync(path, { force: true });
}

/** Written whole under a temporary name, then renamed: a reader never sees part of a cache. */
function saveCache(script: Script, directory: string, name: string): void {
  try {
    const temp = join(directory, `${name}.${process.pid}.tmp`);
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, join(directory, name));
    pruneCaches(directory);
  } catch {
    // A full or read-only disk: the next start compiles again.
  }
}

/**
 * Runs the bundle and returns its exports. The bundle is one function expression, (exports,
 * require, module, __filename, __dirname) as Node wraps a CommonJS module, and ASCII: it is
 * read as latin1, the fastest decoding.
 */
export function loadCachedScript(file: string, options: CachedScriptOptions): { exports: unknown; cache: CacheUse } {
  const source = readFileSync(file, "latin1");
  const { directory } = options;
  const name = cacheFileName(options.digest, options.command);
  const cachedData = directory === undefined ? undefined : readIfPresent(join(directory, name));
  const script = new Script(source, { filename: file, cachedData });
  // Node sets cachedDataRejected to false only when V8 took the cache.
  const cache: CacheUse = directory === undefined ? "off" : script.cachedDataRejected === false ? "taken" : cachedData === undefined ? "absent" : "rejected";
  if (directory !== undefined && cache !== "taken") {
    (options.whenDone ?? ((save) => process.once("exit", save)))(() => saveCache(script, directory, name));
  }
  const module = { exports: {} };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, options.require, module, file, dirname(file));
  return { exports: module.exports, cache };
}
