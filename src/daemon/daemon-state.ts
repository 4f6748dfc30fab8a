// What the daemon records in its state file after each sync, for `rower status` and for
// ownership after a restart (the `managed` list is the owned-files record).
import type { OwnedFile, PlanCounts } from "../manifests/manifest-plan.js";
import { podKeyOfManifestFile } from "../naming/manifest-naming.js";
import type { LocatedError } from "../errors/field-error.js";
import { STATE_VERSION, type DaemonState, type StateError } from "./state-file.js";
import type { SyncVerdict } from "./sync-verdict.js";
import type { PodState } from "../kubelet/pod-states.js";

export interface StateSnapshot {
  source: string;
  manifestDir: string;
  /** The latest revision read (applied or not). */
  revision?: string;
  /** The revision whose set the directory holds. */
  appliedRevision?: string;
  record: OwnedFile[];
  lastSync?: { time: Date; result: SyncVerdict; revision?: string; counts?: PlanCounts };
  /** `errors`: the first of `errorCount` errors (all of them when errorCount is absent). */
  lastError?: { time: Date; message: string; errors?: LocatedError[]; errorCount?: number };
  /** `--policy`: the file, the rules in force, and why the file's content is not in force if it is not. */
  policy?: { path: string; summary: string; error?: string };
  /** `--kubelet`: what runs of each managed pod, and whether the kubelet answered. */
  pods?: PodState[];
  kubelet?: KubeletContact;
}

/** Whether the kubelet answered /pods, since when, and why not. */
export interface KubeletContact {
  url: string;
  reachable: boolean;
  since: Date;
  error?: string;
}

export function buildDaemonState(snapshot: StateSnapshot, now: Date, pid: number): DaemonState {
  const state: DaemonState = {
    version: STATE_VERSION,
    pid,
    source: snapshot.source,
    manifestDir: snapshot.manifestDir,
    managed: snapshot.record.map((owned) => {
      const key = podKeyOfManifestFile(owned.file);
      return key ? { ...owned, pod: `${key.namespace}/${key.name}` } : { ...owned };
    }),
    updatedAt: now.toISOString(),
  };
  if (snapshot.revision !== undefined) state.revision = snapshot.revision;
  if (snapshot.appliedRevision !== undefined) state.appliedRevision = snapshot.appliedRevision;
  if (snapshot.policy) state.policy = { ...snapshot.policy };
  if (snapshot.pods) state.pods = snapshot.pods.map((p) => ({ ...p }));
  if (snapshot.kubelet) {
    const { since, ...rest } = snapshot.kubelet;
    state.kubelet = { ...rest, since: since.toISOString() };
  }
  if (snapshot.lastSync) {
    const { time, ...rest } = snapshot.lastSync;
    state.lastSync = { time: time.toISOString(), ...rest };
  }
  if (snapshot.lastError) {
    const { time, message, errors, errorCount } = snapshot.lastError;
    state.lastError = { time: time.toISOString(), message };
    if (errors) state.lastError.errors = errors.map(toStateError);
    if (errorCount !== undefined && errorCount > (errors?.length ?? 0)) state.lastError.errorCount = errorCount;
  }
  return state;
}

function toStateError(error: LocatedError): StateError {
  const out: StateError = { field: error.field, type: error.type, rule: error.rule, origin: error.origin };
  if (error.value !== undefined) out.value = error.value;
  if (error.detail !== undefined) out.detail = error.detail;
  return out;
}
