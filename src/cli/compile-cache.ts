// Node 22.1+ can keep V8's compiled code for rower's files between runs (module
// enableCompileCache): `rower validate` then skips most of its parse and compile. The cache
// is code the process will run, so it is kept only in a directory this user alone can
// write: a cache planted by someone else would run with rower's rights (root, for the
// daemon). Node 20 has no compile cache; rower runs the same without it.
import { lstatSync, mkdirSync } from "node:fs";
import module from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";

type Enable = (directory: string) => unknown;

/** Where the cache goes: systemd's CacheDirectory= first, then the XDG cache home, then ~/.cache. */
export function compileCacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const systemd = env.CACHE_DIRECTORY?.split(":")[0];
  if (systemd) return join(systemd, "compile");
  if (env.XDG_CACHE_HOME?.startsWith("/")) return join(env.XDG_CACHE_HOME, "rower");
  const home = env.HOME ?? homedir();
  return home.startsWith("/") ? join(home, ".cache", "rower") : undefined;
}

/** A real directory (no symlink), owned by this user, that no group or other can write. */
export function isPrivateDirectory(path: string, uid: number): boolean {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat !== undefined && stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0;
}

/**
 * Called before any of rower's own code loads; never fails the command. Returns the
 * directory handed to Node, if any.
 */
export function enableCompileCache(
  env: NodeJS.ProcessEnv = process.env, node: { enableCompileCache?: Enable } = module as { enableCompileCache?: Enable },
): string | undefined {
  const enable = node.enableCompileCache?.bind(node);
  // NODE_COMPILE_CACHE: Node has enabled the user's choice already.
  if (enable === undefined || env.NODE_DISABLE_COMPILE_CACHE || env.NODE_COMPILE_CACHE) return undefined;
  const directory = compileCacheDirectory(env);
  if (directory === undefined || process.geteuid === undefined) return undefined;
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (!isPrivateDirectory(directory, process.geteuid())) return undefined;
    enable(directory);
    return directory;
  } catch {
    return undefined; // a read-only or missing home: run without the cache
  }
}
