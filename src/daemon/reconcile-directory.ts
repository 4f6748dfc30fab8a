// Makes the directory hold the desired files: observe → plan → apply, all or nothing.
// A conflict (a foreign file, symlink or directory where a rower file belongs, or a foreign
// file declaring one of our pods) refuses the whole set before anything is written: the
// revision is one unit, and applying part of it would run a pod set nobody declared. The
// directory watch re-plans when the operator clears the conflict.
import { applyPlan, type ApplyLog } from "../manifests/apply-plan.js";
import { DirLockLostError, type DirLock } from "../manifests/dir-lock.js";
import { ManifestIoError } from "../manifests/manifest-io-error.js";
import type { Conflict, DesiredManifest, OwnedFile, PlanCounts } from "../manifests/manifest-plan.js";
import { DirectoryObserver } from "../manifests/observe-directory.js";
import { planManifests } from "../manifests/plan-manifests.js";

export type ReconcileOutcome =
  | { kind: "applied"; counts: PlanCounts; record: OwnedFile[]; complete: boolean }
  | { kind: "conflict"; conflicts: Conflict[]; record: OwnedFile[]; counts: PlanCounts }
  // code LOCK_LOST: another rower holds the directory now; nothing was written, and retrying
  // cannot help: the daemon must stop and exit non-zero.
  | { kind: "failed"; code: string; message: string; holderPid?: number };

export const LOCK_LOST = "ELOCKLOST";

export interface ReconcileOptions {
  dir: string;
  /** Files rower wrote, from the state file or the last apply; undefined: the marker decides. */
  record: OwnedFile[] | undefined;
  signal: AbortSignal;
  log: ApplyLog;
  /**
   * The directory lock, checked first: re-established if the directory (and its socket) was
   * removed, taken where a symlinked directory now points (followed, and logged).
   */
  lock?: Pick<DirLock, "ensureHeld">;
  /**
   * The daemon's one observer of the directory: it remembers foreign files between reconciles
   * and reports an unreadable one once. Without it each reconcile looks afresh (and reports again).
   */
  observer?: DirectoryObserver;
}

export async function reconcileDirectory(desired: DesiredManifest[], options: ReconcileOptions): Promise<ReconcileOutcome> {
  try {
    const observer = options.observer ?? new DirectoryObserver({ log: options.log });
    let record = options.record;
    const held = options.lock ? await options.lock.ensureHeld() : undefined;
    if (held?.state === "restored" || held?.state === "relocked") options.log("lock.restored", { dir: options.dir });
    if (held?.state === "retargeted") {
      options.log("manifestDir.retargeted", { dir: options.dir, from: held.from, to: held.target, action: "followed: lock taken there, ownership by marker" });
    }
    // Another directory now (re-created or re-pointed): the record describes the old one.
    if (held?.state === "restored" || held?.state === "retargeted") record = undefined;
    // The directory the lock is in, resolved: a symlink re-pointed from now on waits for the next reconcile.
    const dir = held?.target ?? options.dir;
    const observed = await observer.observe(dir, record);
    const plan = planManifests(desired, observed);
    if (plan.conflicts.length > 0) {
      const counts = { created: 0, updated: 0, deleted: 0, unchanged: plan.unchanged.length, conflicts: plan.conflicts.length };
      return { kind: "conflict", conflicts: plan.conflicts, record: record ?? [], counts };
    }
    const result = await applyPlan(plan, { dir, signal: options.signal, log: options.log, tempFiles: observed.tempFiles });
    const counts: PlanCounts = {
      created: result.created, updated: result.updated, deleted: result.deleted, unchanged: result.unchanged, conflicts: result.conflicts,
    };
    // Found only while applying: the target changed between plan and rename.
    if (result.conflictList.length > 0) return { kind: "conflict", conflicts: result.conflictList, record: result.record, counts };
    return { kind: "applied", counts, record: result.record, complete: result.complete };
  } catch (err) {
    // Disk full, read-only, permission denied: nothing half-written is visible; the loop backs off.
    if (err instanceof ManifestIoError) return { kind: "failed", code: err.code, message: err.message };
    if (err instanceof DirLockLostError) {
      return { kind: "failed", code: LOCK_LOST, message: err.message, ...(err.holderPid === undefined ? {} : { holderPid: err.holderPid }) };
    }
    throw err;
  }
}
