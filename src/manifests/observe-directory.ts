// Reads the manifest directory into the ObservedDirectory shape planManifests takes.
// Only non-dot entries count (the kubelet ignores dotfiles, and rower's temp files and lock
// are dotfiles). Entries are lstat'ed, never followed: a symlink is reported as one. They are
// looked at several at a time (a sync of 110 pods reads 110 files), and reported in name order.
//
// Foreign files can be many and large, and a drift repair observes the directory each time:
// a DirectoryObserver (one per daemon) remembers what each foreign file was by its
// (device, inode, size, mtime) and reads it again only when one of them changes (or its mode
// or owner: a chmod can make an unreadable file readable). rower's own files are read on every
// look: their bytes are what drift is measured against. A file over 1 MiB is foreign by name,
// never read; an unreadable one (EACCES/EPERM: a daemon without CAP_DAC_OVERRIDE) is foreign
// too, reported once per identity, and the sync goes on.
import { sha256Hex } from "../digest/sha256-hex.js";
import { constants } from "node:fs";
import { open, readdir, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { EntryKind, ManifestLog, ObservedDirectory, ObservedEntry, OwnedFile } from "./manifest-plan.js";
import { isTempFileName } from "./atomic-write.js";
import { lstatIfPresent } from "./if-present.js";
import { forEachBounded, IO_CONCURRENCY } from "./for-each-bounded.js";
import { errnoCode, ManifestIoError, withIoContext } from "./manifest-io-error.js";
import { readManifestIdentity, type ManifestIdentity } from "./read-manifest-identity.js";
import { podKeyOfManifestFile } from "../naming/manifest-naming.js";


// rower writes pods of KiBs (a payload is capped at 512 KiB); anything bigger is nobody's pod
// rower could own, and reading it would cost more than it could tell.
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface ObserverOptions {
  /** Receives `manifest.unreadable` once per unreadable file (per identity). */
  log?: ManifestLog;
}

interface Remembered {
  stamp: string;
  entry: ObservedEntry;
}

export class DirectoryObserver {
  private remembered = new Map<string, Remembered>();
  /** The directory `remembered` is about. */
  private dir: string | undefined;

  constructor(private readonly options: ObserverOptions = {}) {}

  async observe(dir: string, record?: OwnedFile[]): Promise<ObservedDirectory> {
    // Another directory (a symlinked path re-pointed): nothing remembered applies to it.
    if (dir !== this.dir) this.remembered.clear();
    this.dir = dir;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      // A missing directory is an empty one: apply creates it.
      if (errnoCode(err) === "ENOENT") {
        this.remembered.clear();
        return record ? { entries: [], record } : { entries: [] };
      }
      return withIoContext("read directory", dir, () => Promise.reject(err));
    }
    const written = new Map((record ?? []).map((r) => [r.file, r.sha256]));
    const visible = names.filter((name) => !name.startsWith(".")).sort();
    const found: Array<ObservedEntry | undefined> = new Array(visible.length);
    // Logged in name order once all are looked at, however the looks finish.
    const logged: Array<Parameters<ManifestLog>[]> = visible.map(() => []);
    const next = new Map<string, Remembered>();
    await forEachBounded(visible, IO_CONCURRENCY, async (name, i) => {
      found[i] = await this.observeEntry(dir, name, written.get(name), next, (...line) => logged[i]?.push(line));
    });
    for (const lines of logged) for (const line of lines) this.options.log?.(...line);
    const entries = found.filter((entry): entry is ObservedEntry => entry !== undefined);
    // Names gone from the directory are forgotten with it.
    this.remembered = next;
    const tempFiles = names.filter(isTempFileName);
    return record ? { entries, record, tempFiles } : { entries, tempFiles };
  }

  private async observeEntry(
    dir: string, name: string, writtenSha256: string | undefined, next: Map<string, Remembered>, log: ManifestLog,
  ): Promise<ObservedEntry | undefined> {
    const path = join(dir, name);
    const stats = await lstatIfPresent(path);
    if (!stats) return undefined;
    if (!stats.isFile()) return { name, kind: kindOf(stats), marker: false };
    const stamp = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.mode}:${stats.uid}:${stats.gid}`;
    const known = this.remembered.get(name);
    if (known?.stamp === stamp) {
      next.set(name, known);
      return known.entry;
    }
    const remember = (entry: ObservedEntry): ObservedEntry => {
      next.set(name, { stamp, entry });
      return entry;
    };
    const read = stats.size > MAX_MANIFEST_BYTES ? { kind: "too-large" as const } : await readNoFollow(path, Number(stats.size));
    switch (read.kind) {
      case "gone":
        return undefined;
      case "symlink":
        return { name, kind: "symlink", marker: false };
      case "too-large":
        return remember({ name, kind: "file", marker: false, unread: "too-large" });
      case "denied":
        log("manifest.unreadable", { file: name, code: read.code, action: "treated as foreign; looked at again when it changes" });
        return remember({ name, kind: "file", marker: false, unread: "unreadable" });
      case "bytes":
        break;
    }
    const sha256 = sha256Hex(read.bytes);
    const identity = sha256 === writtenSha256 ? writtenIdentity(name) : readManifestIdentity(Buffer.from(read.bytes).toString("utf8"));
    const described = (): ObservedEntry => {
      const e: ObservedEntry = { name, kind: "file", sha256, marker: identity.marker };
      if (identity.pod) e.pod = identity.pod;
      return e;
    };
    if (!identity.marker) remember(described()); // foreign by its content: remembered without its bytes
    return { ...described(), content: read.bytes };
  }
}

/** One look at the directory, remembering nothing (`rower diff`, tests). */
export function observeDirectory(dir: string, record?: OwnedFile[]): Promise<ObservedDirectory> {
  return new DirectoryObserver().observe(dir, record);
}

/** What is at a path now, for apply's re-check before it commits: its kind and, for a file, its digest. */
export async function inspectTarget(path: string): Promise<{ kind: EntryKind; sha256?: string } | undefined> {
  const stats = await lstatIfPresent(path);
  if (!stats) return undefined;
  if (!stats.isFile()) return { kind: kindOf(stats) };
  // Too big to be what rower planned over: a change, without reading it.
  if (stats.size > MAX_MANIFEST_BYTES) return { kind: "file" };
  const read = await readNoFollow(path, Number(stats.size));
  switch (read.kind) {
    case "gone":
      return undefined;
    case "symlink":
      return { kind: "symlink" };
    case "too-large":
      return { kind: "file" };
    case "denied":
      throw new ManifestIoError("read", path, Object.assign(new Error("permission denied"), { code: read.code }));
    case "bytes":
      return { kind: "file", sha256: sha256Hex(read.bytes) };
  }
}

/**
 * Bytes rower itself wrote (the digest matches the record) carry the marker, and their pod is
 * the one the file name stands for: no parse needed, which keeps a sync over 110 files cheap.
 */
function writtenIdentity(name: string): ManifestIdentity {
  const pod = podKeyOfManifestFile(name);
  return pod ? { marker: true, pod } : { marker: true };
}

function kindOf(stats: { isFile(): boolean; isSymbolicLink(): boolean; isDirectory(): boolean }): EntryKind {
  if (stats.isFile()) return "file";
  if (stats.isSymbolicLink()) return "symlink";
  if (stats.isDirectory()) return "directory";
  return "other";
}


type ReadResult =
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "symlink" } // swapped in after lstat
  | { kind: "gone" }
  | { kind: "too-large" } // grew past the cap after lstat
  | { kind: "denied"; code: string };

/**
 * Reads at most MAX_MANIFEST_BYTES of a file without following a symlink swapped in after
 * lstat (O_NOFOLLOW → ELOOP). A permission error is an answer, not a failure of the whole look.
 */
async function readNoFollow(path: string, sizeHint: number): Promise<ReadResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ELOOP") return { kind: "symlink" };
    if (code === "ENOENT") return { kind: "gone" };
    if (code === "EACCES" || code === "EPERM") return { kind: "denied", code };
    return withIoContext("open", path, () => Promise.reject(err));
  }
  try {
    return await withIoContext("read", path, async () => {
      // Sized by lstat, grown if the file grew since, never past the cap (plus one byte to see it).
      let buffer = Buffer.allocUnsafe(Math.min(sizeHint, MAX_MANIFEST_BYTES) + 1);
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          if (length > MAX_MANIFEST_BYTES) return { kind: "too-large" as const };
          buffer = Buffer.concat([buffer, Buffer.allocUnsafe(Math.min(buffer.length, MAX_MANIFEST_BYTES + 1 - buffer.length))]);
        }
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > MAX_MANIFEST_BYTES) return { kind: "too-large" as const };
      return { kind: "bytes" as const, bytes: new Uint8Array(buffer.subarray(0, length)) };
    });
  } finally {
    await handle.close();
  }
}
