// The only code that changes the manifest directory, in two phases, so that a failure while
// writing never leaves a set nobody declared:
// 1. stage: every new or changed file is written to a dot-temp (`.rower-<name>.<random>.tmp`,
//    O_NOFOLLOW|O_EXCL; the kubelet ignores dotfiles) and fsynced, a few at a time. A failure
//    here (disk full, read-only, permission denied) removes the temps: the directory holds
//    exactly the old set. An abort (SIGTERM) here does the same.
// 2. commit, once all are staged: every target is re-checked first (a target that became a
//    symlink, a directory or other bytes since planning is a conflict, and then nothing is
//    committed); then the deletes, then the renames (a few at a time), then one directory fsync.
//    Deletes go first so a pod moving between files frees its resources (host ports) before
//    its new file appears. Only files the plan found owned are deleted.
// A rename or unlink cannot fail for lack of space, but EACCES/EROFS/EIO can still stop the
// commit midway. What remains then: every visible non-dot file is whole (its old bytes or its
// new ones, each fsynced before its rename), foreign files are untouched, the temps not yet
// renamed are removed; the set may mix the two revisions until the next sync, which the
// caller retries, converges it (the new files carry the marker, so they are found as rower's).
import { sha256Hex } from "../digest/sha256-hex.js";
import { chmod, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Conflict, ConflictReason, ManifestLog, ManifestPlan, OwnedFile, PlanCounts, PlannedWrite } from "./manifest-plan.js";
import { cleanStaleTempFiles, commitStaged, discardStaged, stageFile, syncDirectory, type StagedFile } from "./atomic-write.js";
import { withIoContext } from "./manifest-io-error.js";
import { unlinkIfPresent } from "./if-present.js";
import { inspectTarget } from "./observe-directory.js";
import { forEachBounded, IO_CONCURRENCY } from "./for-each-bounded.js";


const DIR_MODE = 0o755;

export type ApplyLog = ManifestLog;

export interface ApplyOptions {
  dir: string;
  /** Aborting while staging discards the staged files (nothing changes); a commit in progress finishes. */
  signal?: AbortSignal;
  log?: ApplyLog;
  /** The temps the plan's observation listed (ObservedDirectory.tempFiles); without them apply lists the directory. */
  tempFiles?: readonly string[];
}

export interface ApplyResult extends PlanCounts {
  /** The plan's conflicts plus those found while applying. */
  conflictList: Conflict[];
  /** Every file rower owns after this apply, with the digest of its bytes. */
  record: OwnedFile[];
  /** False when the signal stopped the apply before its commit (then nothing changed). */
  complete: boolean;
}

interface Staged {
  write: PlannedWrite;
  action: "create" | "update";
  bytes: Buffer;
  staged: StagedFile;
}

export async function applyPlan(plan: ManifestPlan, options: ApplyOptions): Promise<ApplyResult> {
  const { dir, signal } = options;
  const log: ApplyLog = options.log ?? (() => undefined);
  await ensureDirectory(dir);
  for (const name of await cleanStaleTempFiles(dir, options.tempFiles)) log("manifest.tempRemoved", { file: name });

  // Until committed, the files to update or delete are still rower's, with their old bytes.
  const owned = new Map<string, string>(plan.unchanged.map((u) => [u.file, u.sha256]));
  for (const u of plan.update) if (u.observedSha256) owned.set(u.file, u.observedSha256);
  for (const d of plan.delete) owned.set(d.file, d.observedSha256);
  const result = (counts: { created: number; updated: number; deleted: number }, conflicts: Conflict[], complete: boolean): ApplyResult => {
    const conflictList = [...plan.conflicts, ...conflicts].sort((a, b) => compareNames(a.file, b.file));
    const record = [...owned].map(([file, sha256]) => ({ file, sha256 })).sort((a, b) => compareNames(a.file, b.file));
    return { ...counts, unchanged: plan.unchanged.length, conflicts: conflictList.length, conflictList, record, complete };
  };
  const none = { created: 0, updated: 0, deleted: 0 };

  const writes = [
    ...plan.create.map((write) => ({ write, action: "create" as const })),
    ...plan.update.map((write) => ({ write, action: "update" as const })),
  ].sort((a, b) => compareNames(a.write.file, b.write.file));

  // Phase 1: stage.
  const staged = await stageAll(dir, writes, signal);
  if (staged === "aborted") return result(none, [], false);

  // Phase 2: commit, after re-checking every target.
  try {
    const vetoes = await checkTargets(dir, plan, staged);
    if (vetoes.length > 0) {
      await throwFirst(discardAll(staged));
      for (const veto of vetoes) {
        // Edited since planning: still rower's by the record (a drift for the next sync);
        // replaced by a symlink or directory, or raced in at a create: not a file rower owns.
        const created = plan.create.some((w) => w.file === veto.file);
        if (veto.reason !== "changed-since-plan" || created) owned.delete(veto.file);
        log("conflict", { ...veto });
      }
      return result(none, vetoes, true);
    }
    return result(await commit(dir, plan, staged, owned, log), [], true);
  } catch (err) {
    // The temps not renamed yet must not linger. The error that stopped the apply is the one
    // reported; a temp that cannot be removed either is left to the next apply's clean-up.
    await discardAll(staged);
    throw err;
  }
}

/** Writes and fsyncs every temp; on a failure or an abort, none stays behind. */
async function stageAll(
  dir: string, writes: Array<{ write: PlannedWrite; action: "create" | "update" }>, signal: AbortSignal | undefined,
): Promise<Staged[] | "aborted"> {
  const staged: Staged[] = [];
  let aborted = false;
  try {
    await forEachBounded(writes, IO_CONCURRENCY, async ({ write, action }) => {
      if (signal?.aborted) {
        aborted = true;
        return;
      }
      const bytes = Buffer.from(write.content, "utf8");
      staged.push({ write, action, bytes, staged: await stageFile(dir, write.file, bytes) });
    });
  } catch (err) {
    await discardAll(staged); // as above: the staging failure is the one reported
    throw err;
  }
  if (!aborted && !signal?.aborted) return staged.sort((a, b) => compareNames(a.write.file, b.write.file));
  await throwFirst(discardAll(staged));
  return "aborted";
}

/** The per-file guards, all before anything becomes visible. */
async function checkTargets(dir: string, plan: ManifestPlan, staged: Staged[]): Promise<Conflict[]> {
  // A delete whose target is gone already is done; a file deleted under rower since planning
  // is simply written again.
  const checks = [
    ...plan.delete.map((d) => ({ file: d.file, expected: d.observedSha256 })),
    ...staged.map((s) => ({ file: s.write.file, expected: s.write.observedSha256 })),
  ];
  // One listing answers for every target that is not there (all of them, into an empty
  // directory), where an lstat each would fail with ENOENT, an error built per file.
  const present = new Set(await withIoContext("read directory", dir, () => readdir(dir)));
  const vetoes: Conflict[] = [];
  await forEachBounded(checks.filter((c) => present.has(c.file)), IO_CONCURRENCY, async (c) => {
    const veto = await checkTarget(dir, c.file, c.expected);
    if (veto !== undefined && veto !== "absent") vetoes.push({ file: c.file, reason: veto });
  });
  return vetoes;
}

/** Deletes, then renames, then one directory fsync; events are logged once it is durable. */
async function commit(
  dir: string, plan: ManifestPlan, staged: Staged[], owned: Map<string, string>, log: ApplyLog,
): Promise<{ created: number; updated: number; deleted: number }> {
  const counts = { created: 0, updated: 0, deleted: 0 };
  const events: Array<[string, Record<string, unknown>]> = [];
  let failure: { error: unknown } | undefined;
  try {
    for (const d of plan.delete) {
      const deleted = await unlinkIfPresent(join(dir, d.file), "delete"); // false: gone already (checked absent, or removed since)
      owned.delete(d.file);
      if (!deleted) continue;
      counts.deleted++;
      events.push(["manifest.deleted", { file: d.file }]);
    }
  } catch (error) {
    failure = { error };
  }
  // The renames, a few at a time (each is a trip through libuv's pool); a failure stops the
  // rest, and what was renamed is recorded and logged in name order.
  const renamed = staged.map(() => false);
  if (failure === undefined) {
    await forEachBounded(staged, IO_CONCURRENCY, async (s, i) => {
      await commitStaged(s.staged);
      renamed[i] = true;
    }).catch((error: unknown) => { failure = { error }; });
  }
  staged.forEach((s, i) => {
    if (!renamed[i]) return;
    const sha256 = sha256Hex(s.bytes);
    owned.set(s.write.file, sha256);
    counts[s.action === "create" ? "created" : "updated"]++;
    events.push(["manifest.written", { file: s.write.file, action: s.action, bytes: s.bytes.byteLength, sha256 }]);
  });
  // What did happen is made durable even when the commit stopped midway; the first error wins.
  if (events.length > 0) await syncDirectory(dir).catch((error: unknown) => { failure ??= { error }; });
  for (const [event, fields] of events) log(event, fields);
  if (failure) throw failure.error;
  return counts;
}

/** Removes every staged temp; resolves with the first failure, if any. */
async function discardAll(staged: Staged[]): Promise<{ error: unknown } | undefined> {
  const results = await Promise.allSettled(staged.map((s) => discardStaged(s.staged)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  return failed ? { error: failed.reason } : undefined;
}

async function throwFirst(discarded: Promise<{ error: unknown } | undefined>): Promise<void> {
  const failed = await discarded;
  if (failed) throw failed.error;
}

/** Creates the directory (0755 whatever the umask) when it is missing. */
async function ensureDirectory(dir: string): Promise<void> {
  const created = await withIoContext("create directory", dir, () => mkdir(dir, { recursive: true, mode: DIR_MODE }));
  if (created !== undefined) await withIoContext("chmod", dir, () => chmod(dir, DIR_MODE));
}

/**
 * Is the target still what the plan saw? "absent" when gone; a conflict reason when it is
 * now a symlink, a directory, or other bytes (without `expectedSha256`, any existing entry
 * is a change: the plan saw nothing there); undefined when it is exactly as planned.
 */
async function checkTarget(dir: string, file: string, expectedSha256: string | undefined): Promise<ConflictReason | "absent" | undefined> {
  const entry = await inspectTarget(join(dir, file));
  if (!entry) return "absent";
  if (entry.kind === "symlink") return "symlink";
  if (entry.kind === "directory") return "directory";
  if (entry.kind === "other") return "not-regular";
  if (expectedSha256 === undefined || entry.sha256 !== expectedSha256) return "changed-since-plan";
  return undefined;
}

/** Byte order, not locale order, so the output is the same on every machine. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
