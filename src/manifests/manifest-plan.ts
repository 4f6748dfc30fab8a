// The shapes shared by plan, apply, observe and `rower diff`: what rower wants in the
// manifest directory, what is there now, and the steps between the two.
import type { PodKey } from "../naming/manifest-naming.js";

/** An event sink: a fixed event name plus fields (the daemon adapts its logger to it). */
export type ManifestLog = (event: string, fields: Record<string, unknown>) => void;

/** One file rower wants in the directory (renderManifest's output). */
export interface DesiredManifest {
  file: string;
  content: string;
}


/** A file rower wrote, with the sha256 (hex) of the bytes it wrote. */
export interface OwnedFile {
  file: string;
  sha256: string;
}

export type EntryKind = "file" | "symlink" | "directory" | "other";

/** One non-dot entry of the manifest directory, as lstat saw it (symlinks never followed). */
export interface ObservedEntry {
  name: string;
  kind: EntryKind;
  /** Regular files read: their sha256 (hex); the bytes too, unless the observer remembered the file as foreign. */
  content?: Uint8Array;
  sha256?: string;
  /** Regular files only: carries `rower.static/managed: "true"` in metadata.annotations. */
  marker: boolean;
  /** Regular files that parse as one pod: which pod they declare. */
  pod?: PodKey;
  /**
   * Regular files not read: over the size cap, or unreadable (permission). They are foreign
   * by name: never rewritten or deleted, a conflict where rower wants the name.
   */
  unread?: "too-large" | "unreadable";
}

export interface ObservedDirectory {
  entries: ObservedEntry[];
  /** The owned-files record from the state file; undefined when there is no state. */
  record?: OwnedFile[];
  /** Temp files (a killed writer's) the listing found, for apply to remove without listing again. */
  tempFiles?: string[];
}

export type WriteReason = "missing" | "content-differs";

export interface PlannedWrite {
  file: string;
  content: string;
  reason: WriteReason;
  /** For updates: the sha256 observed when planning; apply refuses if the file changed since. */
  observedSha256?: string;
}

export interface PlannedDelete {
  file: string;
  observedSha256: string;
}

export type ConflictReason =
  | "foreign-file" // a regular file without rower's marker, not on the record
  | "symlink"
  | "directory"
  | "not-regular" // socket, fifo, device
  | "same-pod-name" // a foreign file elsewhere declares the same namespace/name
  | "changed-since-plan"; // found by apply: the target changed between plan and rename

export interface Conflict {
  file: string;
  reason: ConflictReason;
  /** For `same-pod-name`: the foreign file declaring the pod. */
  foreignFile?: string;
}

/** Every list is sorted by file name, so plans compare and print deterministically. */
export interface ManifestPlan {
  create: PlannedWrite[];
  update: PlannedWrite[];
  delete: PlannedDelete[];
  unchanged: OwnedFile[];
  conflicts: Conflict[];
}

export interface PlanCounts {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  conflicts: number;
}

/** True when applying the plan would change nothing and nothing conflicts. */
export function isPlanEmpty(plan: ManifestPlan): boolean {
  return plan.create.length + plan.update.length + plan.delete.length + plan.conflicts.length === 0;
}
