// The daemon's state file, `<state-dir>/state.json`: what `rower status` prints and the
// record of the files rower wrote (with digests) that ownership relies on after a restart.
// Written atomically (temp file, fsync, rename, directory fsync), so a reader never sees
// half of it. Bounded both ways: what is written drops error details past MAX_STATE_BYTES
// (the state lives on tmpfs, which is RAM), and a reader never takes in more than
// MAX_STATE_READ_BYTES, whatever was planted there.
import { constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import type { OwnedFile, PlanCounts } from "../manifests/manifest-plan.js";
import { cleanStaleTempFiles, syncDirectory, writeFileAtomic } from "../manifests/atomic-write.js";
import { errnoCode, withIoContext } from "../manifests/manifest-io-error.js";
import type { SyncVerdict } from "./sync-verdict.js";

export const STATE_FILE = "state.json";
export const STATE_VERSION = 1;
// Owner-only: lastError keeps the payload's bad values (an env value may be a secret) for
// `rower status`, which runs as root like the daemon.
export const STATE_FILE_MODE = 0o600;
/** Error details, then per-pod states, are dropped until the file fits; the ownership record is never dropped. */
export const MAX_STATE_BYTES = 1024 * 1024;
/** The largest record (10,000 pods with 253-character names) fits many times over. */
export const MAX_STATE_READ_BYTES = 16 * 1024 * 1024;

export interface ManagedFile extends OwnedFile {
  /** `namespace/name` of the pod the file holds, when known. */
  pod?: string;
}

export interface StateError {
  field: string;
  type: string;
  rule: string;
  value?: unknown;
  detail?: string;
  origin?: { source: string; document: number; line?: number; pod?: string };
}

export interface DaemonState {
  version: typeof STATE_VERSION;
  pid: number;
  /** The source's name, e.g. `gce:instance/attributes/kube-pods`. */
  source: string;
  /** The latest revision read, applied or refused. */
  revision?: string;
  /** The revision whose set the directory holds (what /metrics' rower_source_revision_info shows). */
  appliedRevision?: string;
  /** The directory the `managed` record is about; a record for another directory is ignored. */
  manifestDir: string;
  lastSync?: { time: string; result: SyncVerdict; revision?: string; counts?: PlanCounts };
  /** `errors` holds at most the first errors of `errorCount` (all of them when it is absent). */
  lastError?: { time: string; message: string; errors?: StateError[]; errorCount?: number };
  /** `--policy`: the file, the rules in force, and why the file's content is not in force if it is not. */
  policy?: { path: string; summary: string; error?: string };
  /** `--kubelet`: the state of each managed pod as the kubelet reports it. */
  pods?: Array<{ pod: string; file: string; state: string; reason?: string }>;
  kubelet?: { url: string; reachable: boolean; since: string; error?: string };
  managed: ManagedFile[];
  updatedAt: string;
}

export type ReadStateResult =
  | { kind: "state"; state: DaemonState }
  | { kind: "missing"; path: string }
  | { kind: "invalid"; path: string; message: string }
  /** The file is there but this process cannot read it (permissions, a directory in its place). */
  | { kind: "unreadable"; path: string; code: string; message: string };

// What status and planning rely on is checked strictly; a `lastSync.result` word written by
// another version is shown as it is rather than costing the ownership record.
const countsSchema = z.object({
  created: z.number(), updated: z.number(), deleted: z.number(), unchanged: z.number(), conflicts: z.number(),
});
const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  pid: z.number(),
  source: z.string(),
  revision: z.optional(z.string()),
  appliedRevision: z.optional(z.string()),
  manifestDir: z.string(),
  lastSync: z.optional(z.object({ time: z.string(), result: z.string(), revision: z.optional(z.string()), counts: z.optional(countsSchema) })),
  lastError: z.optional(z.object({
    time: z.string(),
    message: z.string(),
    errors: z.optional(z.array(z.looseObject({ field: z.string(), type: z.string(), rule: z.string() }))),
    errorCount: z.optional(z.number()),
  })),
  policy: z.optional(z.object({ path: z.string(), summary: z.string(), error: z.optional(z.string()) })),
  pods: z.optional(z.array(z.object({ pod: z.string(), file: z.string(), state: z.string(), reason: z.optional(z.string()) }))),
  kubelet: z.optional(z.object({ url: z.string(), reachable: z.boolean(), since: z.string(), error: z.optional(z.string()) })),
  managed: z.array(z.object({ file: z.string(), sha256: z.string(), pod: z.optional(z.string()) })),
  updatedAt: z.string(),
});

/** Writes the state; returns the first directory it had to create, if any (the caller says so). */
export async function writeState(stateDir: string, state: DaemonState): Promise<string | undefined> {
  const created = await withIoContext("create directory", stateDir, () => mkdir(stateDir, { recursive: true, mode: 0o755 }));
  await cleanStaleTempFiles(stateDir); // left by a writer killed mid-write
  await writeFileAtomic(stateDir, STATE_FILE, serializeState(state), { mode: STATE_FILE_MODE });
  await syncDirectory(stateDir);
  return created;
}

/** The file's text: readable JSON, with error details dropped (and counted) until it fits MAX_STATE_BYTES. */
export function serializeState(state: DaemonState): string {
  const fitted = fitErrors(state);
  if (Buffer.byteLength(fitted) <= MAX_STATE_BYTES || state.pods === undefined) return fitted;
  // Still too large with no error details: the per-pod states go next (status then shows none).
  const withoutPods: DaemonState = { ...state };
  delete withoutPods.pods;
  return fitErrors(withoutPods);
}

function fitErrors(state: DaemonState): string {
  const text = `${JSON.stringify(state, null, 2)}\n`;
  const errors = state.lastError?.errors;
  if (Buffer.byteLength(text) <= MAX_STATE_BYTES || state.lastError === undefined || errors === undefined) return text;
  const errorCount = state.lastError.errorCount ?? errors.length;
  let kept = errors.length;
  let fitted = text;
  while (kept > 0 && Buffer.byteLength(fitted) > MAX_STATE_BYTES) {
    kept = Math.floor(kept / 2);
    fitted = `${JSON.stringify({ ...state, lastError: { ...state.lastError, errors: errors.slice(0, kept), errorCount } }, null, 2)}\n`;
  }
  return fitted;
}

/** Missing, malformed and unreadable state are answers; other I/O failures throw. */
export async function readState(stateDir: string): Promise<ReadStateResult> {
  const path = join(stateDir, STATE_FILE);
  const read = await readCapped(path);
  if (read.kind !== "text") return read;
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch (err) {
    // The parser's message quotes the file's bytes: say where, not what.
    if (err instanceof SyntaxError) return { kind: "invalid", path, message: `not JSON (${Buffer.byteLength(read.text)} bytes)` };
    throw err;
  }
  // English messages per parse, not zod's global config: no module-level state.
  const parsed = stateSchema.safeParse(value, { error: en().localeError });
  if (!parsed.success) return { kind: "invalid", path, message: describeIssues(parsed.error.issues) };
  return { kind: "state", state: parsed.data as DaemonState };
}

/** The owned-files record to plan with: only a state about this very directory counts. */
export function ownedFilesFor(state: DaemonState | undefined, manifestDir: string): OwnedFile[] | undefined {
  if (!state || state.manifestDir !== manifestDir) return undefined;
  return state.managed.map(({ file, sha256 }) => ({ file, sha256 }));
}

/** Reads at most MAX_STATE_READ_BYTES: a planted 300 MB file costs a stat, not a gigabyte. */
async function readCapped(path: string): Promise<{ kind: "text"; text: string } | Exclude<ReadStateResult, { kind: "state" }>> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing", path };
    if (code === "EACCES" || code === "EPERM" || code === "ELOOP") return unreadable(path, code);
    return withIoContext("read state", path, () => Promise.reject(err));
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return unreadable(path, "EISDIR");
    if (!stats.isFile()) return { kind: "invalid", path, message: "not a regular file" };
    if (stats.size > MAX_STATE_READ_BYTES) {
      return { kind: "invalid", path, message: `${stats.size} bytes, more than the ${MAX_STATE_READ_BYTES} a state file can need` };
    }
    const buffer = Buffer.alloc(stats.size);
    const { bytesRead } = await handle.read(buffer, 0, stats.size, 0);
    return { kind: "text", text: buffer.subarray(0, bytesRead).toString("utf8") };
  } finally {
    await handle.close();
  }
}

function unreadable(path: string, code: string): Extract<ReadStateResult, { kind: "unreadable" }> {
  const message = code === "EISDIR" ? "it is a directory, not a state file"
    : code === "ELOOP" ? "it is a symlink; rower never follows one there"
    : "permission denied: the state is readable by its owner only (the daemon runs as root): run as root, e.g. with sudo";
  return { kind: "unreadable", path, code, message };
}

/** Every issue, each with its path: `managed.0.sha256: expected string`. */
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`).join("; ");
}
