// Where rower keeps V8's compiled code between runs (see load-cached-script.ts). The cache
// is code the process will run, so it is read only from a directory that this user or root
// alone can write: a cache planted by someone else would run with rower's rights (root, for
// the daemon). Root may own it: root can change this process anyway, and the image ships a
// root-owned cache that its non-root user reads.
import { lstatSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where the cache goes: systemd's CacheDirectory= first, then the XDG cache home, then ~/.cache. */
export function compileCacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const systemd = env.CACHE_DIRECTORY?.split(":")[0];
  if (systemd) return join(systemd, "compile");
  if (env.XDG_CACHE_HOME?.startsWith("/")) return join(env.XDG_CACHE_HOME, "rower");
  const home = env.HOME ?? homedir();
  return home.startsWith("/") ? join(home, ".cache", "rower") : undefined;
}

/** A real directory (no symlink), owned by this user or root, that no group or other can write. */
export function isPrivateDirectory(path: string, uid: number): boolean {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat !== undefined && stat.isDirectory() && (stat.uid === uid || stat.uid === 0) && (stat.mode & 0o022) === 0;
}

/**
 * The cache directory, created if need be, or undefined: turned off (NODE_DISABLE_COMPILE_CACHE),
 * no absolute home, not private, or not creatable (a read-only home). Never throws.
 */
export function privateCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const directory = compileCacheDirectory(env);
  if (directory === undefined || process.geteuid === undefined) return undefined;
  try {
    // Every start runs this: one lstat when the directory is there, mkdir only when it is not.
    if (isPrivateDirectory(directory, process.geteuid())) return directory;
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    return isPrivateDirectory(directory, process.geteuid()) ? directory : undefined;
  } catch {
    return undefined; // a read-only or missing home: run without the cache
  }
}
