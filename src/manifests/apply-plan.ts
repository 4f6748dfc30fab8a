// The only code that changes the manifest directory. Guarantees:
// - every visible non-dot file is either its old bytes or its new bytes (atomicWrite);
// - only files the plan found owned are deleted, and only if still unchanged since planning;
// - a target that became a symlink, a directory or a different file since planning is a
//   conflict, re-checked right before each rename, and left as it is.
// Deletes run before writes so a pod moving between files frees its resources (host ports)
// first. One directory fsync at the end makes every rename and unlink durable before the
// caller records the result; crash consistency needs no more, since each temp file was
// fsynced before its rename.
import { chmod, mkdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Conflict, ConflictReason, ManifestPlan, OwnedFile, PlanCounts, PlannedWrite } from "./manifest-plan.js";
import { cleanStaleTempFiles, syncDirectory, writeFileAtomic } from "./atomic-write.js";
import { withIoContext } from "./manifest-io-error.js";
import { observeEntry } from "./observe-directory.js";
import { sha256Hex } from "./plan-manifests.js";

const DIR_MODE = 0o755;

/** An event sink: a fixed event name plus fields (the daemon adapts its logger to it). */
export type ApplyLog = (event: string, fields: Record<string, unknown>) => void;

export interface ApplyOptions {
  dir: string;
  /** Aborting stops before the next file; the write in flight finishes. */
  signal?: AbortSignal;
  log?: ApplyLog;
}

export interface ApplyResult extends PlanCounts {
  /** The plan's conflicts plus those found while applying. */
  conflictList: Conflict[];
  /** Every file rower owns after this apply, with the digest of its bytes. */
  record: OwnedFile[];
  /** False when the signal stopped the apply before the last file. */
  complete: boolean;
}

export async function applyPlan(plan: ManifestPlan, options: ApplyOptions): Promise<ApplyResult> {
  const { dir, signal } = options;
  const log: ApplyLog = options.log ?? (() => undefined);
  await ensureDirectory(dir);
  for (const name of await cleanStaleTempFiles(dir)) log("manifest.tempRemoved", { file: name });

  const conflictList: Conflict[] = [...plan.conflicts];
  const owned = new Map<string, string>(plan.unchanged.map((u) => [u.file, u.sha256]));
  // Until processed, the files to update or delete are still rower's, with their old bytes.
  for (const u of plan.update) if (u.observedSha256) owned.set(u.file, u.observedSha256);
  for (const d of plan.delete) owned.set(d.file, d.observedSha256);
  const counts = { created: 0, updated: 0, deleted: 0 };
  let changed = false;
  let complete = true;

  for (const d of plan.delete) {
    if (signal?.aborted) { complete = false; break; }
    const veto = await checkTarget(dir, d.file, d.observedSha256);
    if (veto === "absent") {
      owned.delete(d.file);
      continue;
    }
    if (veto) {
      // Edited since planning: still rower's by the record (a drift for the next sync);
      // replaced by a symlink or directory: no longer a file rower can own.
      if (veto !== "changed-since-plan") owned.delete(d.file);
      conflictList.push(reportConflict(log, { file: d.file, reason: veto }));
      continue;
    }
    await withIoContext("delete", join(dir, d.file), () => unlink(join(dir, d.file)));
    owned.delete(d.file);
    counts.deleted++;
    changed = true;
    log("manifest.deleted", { file: d.file });
  }

  const writes: Array<[PlannedWrite, "create" | "update"]> = [
    ...plan.create.map((w): [PlannedWrite, "create"] => [w, "create"]),
    ...plan.update.map((w): [PlannedWrite, "update"] => [w, "update"]),
  ];
  for (const [w, action] of writes) {
    if (!complete || signal?.aborted) { complete = false; break; }
    const bytes = Buffer.from(w.content, "utf8");
    const result = await writeFileAtomic<ConflictReason>(dir, w.file, bytes, {
      guard: async () => {
        const veto = await checkTarget(dir, w.file, w.observedSha256);
        // A file deleted under rower since planning is simply written again.
        return veto === "absent" ? undefined : veto;
      },
    });
    if (!result.written) {
      if (action === "create" || result.veto !== "changed-since-plan") owned.delete(w.file);
      conflictList.push(reportConflict(log, { file: w.file, reason: result.veto }));
      continue;
    }
    const sha256 = sha256Hex(bytes);
    owned.set(w.file, sha256);
    counts[action === "create" ? "created" : "updated"]++;
    changed = true;
    log("manifest.written", { file: w.file, action, bytes: bytes.byteLength, sha256 });
  }

  if (changed) await syncDirectory(dir);
  conflictList.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const record = [...owned].map(([file, sha256]) => ({ file, sha256 })).sort((a, b) => (a.file < b.file ? -1 : 1));
  return {
    ...counts,
    unchanged: plan.unchanged.length,
    conflicts: conflictList.length,
    conflictList,
    record,
    complete,
  };
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
  const entry = await observeEntry(join(dir, file), file, { identity: false });
  if (!entry) return "absent";
  if (entry.kind === "symlink") return "symlink";
  if (entry.kind === "directory") return "directory";
  if (entry.kind === "other") return "not-regular";
  if (expectedSha256 === undefined || entry.sha256 !== expectedSha256) return "changed-since-plan";
  return undefined;
}

function reportConflict(log: ApplyLog, conflict: Conflict): Conflict {
  log("conflict", { ...conflict });
  return conflict;
}
