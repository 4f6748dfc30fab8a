// Reads the manifest directory into the ObservedDirectory shape planManifests takes.
// Only non-dot entries count (the kubelet ignores dotfiles, and rower's temp files and lock
// are dotfiles). Entries are lstat'ed, never followed: a symlink is reported as one.
import { constants } from "node:fs";
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { EntryKind, ObservedDirectory, ObservedEntry, OwnedFile } from "./manifest-plan.js";
import { lstatOrUndefined } from "./atomic-write.js";
import { errnoCode, withIoContext } from "./manifest-io-error.js";
import { readManifestIdentity, type ManifestIdentity } from "./read-manifest-identity.js";
import { podKeyOfManifestFile } from "../naming/manifest-naming.js";
import { sha256Hex } from "./plan-manifests.js";

// The kubelet reads at most 10 MiB of a manifest; a bigger file is nobody's pod, rower's least.
const MAX_MANIFEST_BYTES = 10 * 1024 * 1024;

export async function observeDirectory(dir: string, record?: OwnedFile[]): Promise<ObservedDirectory> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    // A missing directory is an empty one: apply creates it.
    if (errnoCode(err) === "ENOENT") return record ? { entries: [], record } : { entries: [] };
    return withIoContext("read directory", dir, () => Promise.reject(err));
  }
  const written = new Map((record ?? []).map((r) => [r.file, r.sha256]));
  const entries: ObservedEntry[] = [];
  for (const name of names.sort()) {
    if (name.startsWith(".")) continue;
    const entry = await observeEntry(join(dir, name), name, { identity: true, writtenSha256: written.get(name) });
    if (entry) entries.push(entry);
  }
  return record ? { entries, record } : { entries };
}

export interface ObserveEntryOptions {
  /** Parse the file for marker and pod; apply's re-check before a rename needs only bytes. */
  identity: boolean;
  /** The digest rower recorded for this name: a file with exactly those bytes needs no parse. */
  writtenSha256?: string | undefined;
}

/** One entry, or undefined when it vanished between readdir and lstat. */
export async function observeEntry(path: string, name: string, options: ObserveEntryOptions = { identity: true }): Promise<ObservedEntry | undefined> {
  const stats = await lstatOrUndefined(path);
  if (!stats) return undefined;
  if (!stats.isFile()) return { name, kind: kindOf(stats), marker: false };
  if (stats.size > MAX_MANIFEST_BYTES) return { name, kind: "file", marker: false };
  const content = await readNoFollow(path);
  if (content === "symlink") return { name, kind: "symlink", marker: false };
  if (content === undefined) return undefined;
  const sha256 = sha256Hex(content);
  const identity = !options.identity ? { marker: false }
    : sha256 === options.writtenSha256 ? writtenIdentity(name)
    : readManifestIdentity(Buffer.from(content).toString("utf8"));
  const entry: ObservedEntry = { name, kind: "file", content, sha256, marker: identity.marker };
  if (identity.pod) entry.pod = identity.pod;
  return entry;
}

/**
 * Bytes rower itself wrote (the digest matches the record) carry the marker, and their pod is
 * the one the file name stands for: no parse needed, which keeps a sync over 110 files cheap.
 */
function writtenIdentity(name: string): ManifestIdentity {
  const pod = podKeyOfManifestFile(name);
  return pod ? { marker: true, pod } : { marker: true };
}

function kindOf(stats: { isSymbolicLink(): boolean; isDirectory(): boolean }): EntryKind {
  if (stats.isSymbolicLink()) return "symlink";
  if (stats.isDirectory()) return "directory";
  return "other";
}

/** Reads a file without following a symlink swapped in after lstat (O_NOFOLLOW → ELOOP). */
async function readNoFollow(path: string): Promise<Uint8Array | "symlink" | undefined> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ELOOP") return "symlink";
    if (code === "ENOENT") return undefined;
    return withIoContext("read", path, () => Promise.reject(err));
  }
}
