// Desired files vs the directory as observed: what to create, update, delete, leave alone,
// and what conflicts. Pure: no fs, clock or env, so every ownership rule is table-tested.
//
// Ownership (DESIGN.md "Files in the manifest directory"), by what rower may do to a file:
// - rewrite it, where rower wants that name: a regular file carrying the marker annotation,
//   or one on the owned-files record whatever its content now (drift repair restores an
//   edited rower file);
// - delete it, where rower no longer wants that name: a regular file carrying the marker, or
//   one on the record that still has exactly the bytes rower recorded. A file on the record
//   whose content carries neither the marker nor the recorded digest was taken over by
//   someone: it is not rower's to delete, and it leaves the record;
// - the marker is what recognises rower's files after a restart with no state;
// - a file not read (over 1 MiB, or unreadable) is foreign by name;
// - anything else is foreign and never touched; a foreign entry (or a symlink, or a
//   directory) where a desired file goes, or a foreign file declaring the same pod, is a
//   conflict, reported rather than overwritten.
import { sha256Hex } from "../digest/sha256-hex.js";
import type {
  Conflict,
  DesiredManifest,
  ManifestPlan,
  ObservedDirectory,
  ObservedEntry,
  PlannedDelete,
  PlannedWrite,
} from "./manifest-plan.js";
import { podKeyOfManifestFile, type PodKey } from "../naming/manifest-naming.js";

export function planManifests(desired: DesiredManifest[], observed: ObservedDirectory): ManifestPlan {
  const entries = new Map(observed.entries.map((e) => [e.name, e]));
  const recorded = new Map((observed.record ?? []).map((r) => [r.file, r.sha256]));
  const read = (e: ObservedEntry): boolean => e.kind === "file" && e.unread === undefined;
  const mayRewrite = (e: ObservedEntry): boolean => read(e) && (e.marker || recorded.has(e.name));
  const mayDelete = (e: ObservedEntry): boolean => read(e) && (e.marker || (e.sha256 !== undefined && e.sha256 === recorded.get(e.name)));

  const sortedDesired = [...desired].sort((a, b) => compareNames(a.file, b.file));
  const desiredFiles = new Set<string>();
  for (const d of sortedDesired) {
    if (desiredFiles.has(d.file)) {
      throw new Error(`planManifests: duplicate desired file ${d.file} (set validation must reject it)`);
    }
    desiredFiles.add(d.file);
  }
  // rower's where it wants the name, by the rewrite rule; elsewhere, by the delete rule.
  const isOwned = (e: ObservedEntry): boolean => (desiredFiles.has(e.name) ? mayRewrite(e) : mayDelete(e));
  const foreignByPod = indexForeignPods(observed.entries, isOwned);

  const plan: ManifestPlan = { create: [], update: [], delete: [], unchanged: [], conflicts: [] };
  for (const d of sortedDesired) {
    const entry = entries.get(d.file);
    const entryConflict = entry && conflictAt(entry, isOwned);
    if (entryConflict) {
      plan.conflicts.push(entryConflict);
      continue;
    }
    const key = podKeyOfManifestFile(d.file);
    const foreign = key && foreignByPod.get(podKeyString(key));
    if (foreign !== undefined && foreign !== d.file) {
      plan.conflicts.push({ file: d.file, reason: "same-pod-name", foreignFile: foreign });
      continue;
    }
    const sha256 = sha256Hex(Buffer.from(d.content, "utf8"));
    if (!entry) {
      plan.create.push({ file: d.file, content: d.content, reason: "missing" });
    } else if (entry.sha256 === sha256) {
      plan.unchanged.push({ file: d.file, sha256 });
    } else {
      const write: PlannedWrite = { file: d.file, content: d.content, reason: "content-differs" };
      if (entry.sha256 !== undefined) write.observedSha256 = entry.sha256;
      plan.update.push(write);
    }
  }

  for (const e of [...observed.entries].sort((a, b) => compareNames(a.name, b.name))) {
    if (desiredFiles.has(e.name) || !isOwned(e) || e.sha256 === undefined) continue;
    const del: PlannedDelete = { file: e.name, observedSha256: e.sha256 };
    plan.delete.push(del);
  }
  plan.conflicts.sort((a, b) => compareNames(a.file, b.file));
  return plan;
}

function conflictAt(entry: ObservedEntry, isOwned: (e: ObservedEntry) => boolean): Conflict | undefined {
  switch (entry.kind) {
    case "symlink":
      return { file: entry.name, reason: "symlink" };
    case "directory":
      return { file: entry.name, reason: "directory" };
    case "other":
      return { file: entry.name, reason: "not-regular" };
    case "file":
      return isOwned(entry) ? undefined : { file: entry.name, reason: "foreign-file" };
  }
}

/** Foreign regular files by the pod they declare (first in name order wins, as the kubelet reads). */
function indexForeignPods(entries: ObservedEntry[], isOwned: (e: ObservedEntry) => boolean): Map<string, string> {
  const byPod = new Map<string, string>();
  for (const e of [...entries].sort((a, b) => compareNames(a.name, b.name))) {
    if (e.kind !== "file" || isOwned(e) || !e.pod) continue;
    const key = podKeyString(e.pod);
    if (!byPod.has(key)) byPod.set(key, e.name);
  }
  return byPod;
}

function podKeyString(k: PodKey): string {
  return `${k.namespace}/${k.name}`;
}

/** Byte order, not locale order, so the output is the same on every machine. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
