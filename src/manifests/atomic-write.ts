// Writes a file so that readers see either the old bytes or the new ones, never a prefix:
// a dot-prefixed temp file in the same directory (the kubelet skips dotfiles, and a rename
// is atomic only within one filesystem), fsync, then rename over the target. The temp file
// is opened with O_NOFOLLOW|O_EXCL, and rename replaces a symlink rather than writing
// through it, so a write never follows a symlink. The two halves are separate (stageFile,
// commitStaged) so apply can stage a whole set before any of it becomes visible.
import { constants } from "node:fs";
import { open, readdir, rename } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { lstatIfPresent, unlinkIfPresent } from "./if-present.js";
import { errnoCode, withIoContext } from "./manifest-io-error.js";

export const TEMP_PREFIX = ".rower-";
export const TEMP_SUFFIX = ".tmp";
const FILE_MODE = 0o644;
// NAME_MAX is 255: keep `.rower-<name>.<random>.tmp` within it for the longest pod names.
const MAX_NAME_IN_TEMP = 200;

// A temp's name: one random tag per process, then a counter. No other writer picks it (and
// O_EXCL would refuse it if one had), without a trip into the random generator per file.
let processTag: string | undefined;
let tempCount = 0;
function uniqueSuffix(): string {
  processTag ??= randomBytes(4).toString("hex");
  return `${processTag}${(tempCount++).toString(16)}`;
}

export interface AtomicWriteOptions {
  /** Manifests are 0644 (the kubelet reads them); the state file, which keeps payload values, is 0600. */
  mode?: number;
}

/** One file, both halves at once (the state file). */
export async function writeFileAtomic(dir: string, file: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const staged = await stageFile(dir, file, content, options.mode ?? FILE_MODE);
  try {
    await commitStaged(staged);
  } catch (err) {
    // No partial file may stay behind: the target was never touched, the temp goes.
    await discardStaged(staged);
    throw err;
  }
}

/** A durable temp file waiting to be renamed over its target. */
export interface StagedFile {
  /** The target's name in the directory. */
  readonly file: string;
  readonly temp: string;
  readonly target: string;
}

/**
 * The first half of an atomic write: the bytes in a new dot-temp beside the target, fsynced
 * and closed. The target is not touched; on failure the temp is removed before the throw.
 */
export async function stageFile(dir: string, file: string, content: string | Uint8Array, mode = FILE_MODE): Promise<StagedFile> {
  const temp = join(dir, `${TEMP_PREFIX}${file.slice(0, MAX_NAME_IN_TEMP)}.${uniqueSuffix()}${TEMP_SUFFIX}`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await withIoContext("create temp file", temp, () => open(temp, flags, mode));
  try {
    try {
      await withIoContext("write", temp, async () => {
        await handle.writeFile(content);
        await handle.chmod(mode); // the umask may have narrowed the mode given to open
        await handle.sync();
      });
    } finally {
      await withIoContext("close", temp, () => handle.close());
    }
  } catch (err) {
    await unlinkIfPresent(temp, "remove temp file");
    throw err;
  }
  return { file, temp, target: join(dir, file) };
}

/** The second half: rename replaces the target (or a symlink there) in one step, never following it. */
export async function commitStaged(staged: StagedFile): Promise<void> {
  await withIoContext("rename", staged.target, () => rename(staged.temp, staged.target));
}

/** Gives up a staged file: the temp goes, the target stays as it is. */
export async function discardStaged(staged: StagedFile): Promise<void> {
  await unlinkIfPresent(staged.temp, "remove temp file");
}

/** fsync of the directory makes renames and unlinks in it durable. */
export async function syncDirectory(dir: string): Promise<void> {
  await withIoContext("fsync directory", dir, async () => {
    const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** A name stageFile gives its temps (and so a temp left by a writer killed mid-write). */
export function isTempFileName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX);
}

/**
 * Removes the `.rower-*.tmp` files a killed writer left behind; returns their names. `listed`:
 * the directory's names from a listing made since the last writer could have died (the
 * caller's own observation), which saves listing it again.
 */
export async function cleanStaleTempFiles(dir: string, listed?: readonly string[]): Promise<string[]> {
  let names = listed;
  if (names === undefined) {
    try {
      names = await readdir(dir);
    } catch (err) {
      if (errnoCode(err) === "ENOENT") return [];
      return withIoContext("read directory", dir, () => Promise.reject(err));
    }
  }
  const removed: string[] = [];
  for (const name of names.filter(isTempFileName).sort()) {
    const path = join(dir, name);
    const stats = await lstatIfPresent(path);
    if (!stats || stats.isDirectory()) continue;
    await unlinkIfPresent(path, "remove temp file");
    removed.push(name);
  }
  return removed;
}


