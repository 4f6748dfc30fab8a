// The one place a sync's end is recorded: metrics, readiness, the state snapshot (saved
// before the event is logged, so whoever sees the event can read the state) and the log.
// A new verdict cannot forget one of the four: each is a case of the same switch.
import type { LocatedError } from "../errors/field-error.js";
import type { Conflict, OwnedFile, PlanCounts } from "../manifests/manifest-plan.js";
import type { SourceError } from "../sources/source.js";
import { recordAppliedRevision, type DaemonMetrics } from "./daemon-metrics.js";
import type { KubeletContact, StateSnapshot } from "./daemon-state.js";
import type { EventLog, LogFields } from "./event-log.js";
import { loggableErrors } from "./loggable-errors.js";
import type { ReadinessTracker } from "./readiness.js";
import type { SyncVerdict } from "./sync-verdict.js";
import { countStates, type PodState } from "../kubelet/pod-states.js";

/** Why the directory was reconciled: a revision of the source, a drift repair, or a retry after a failure. */
export type ApplyCause = "sync" | "drift" | "retry";

interface RevisionOutcome {
  revision: string;
  /** Event fields naming the payload: source, revision, size and digest. */
  fields: LogFields;
}

interface ApplyOutcome extends RevisionOutcome {
  cause: ApplyCause;
  /** False when an older good set was re-applied (drift, retry) while a newer revision was refused. */
  current: boolean;
}

export type SyncOutcome =
  | (ApplyOutcome & { verdict: "applied" | "unchanged"; counts: PlanCounts; pods: number; record: OwnedFile[]; interrupted: boolean })
  | (RevisionOutcome & { verdict: "kept" })
  | (RevisionOutcome & { verdict: "invalid"; errors: LocatedError[]; errorCount: number; reason: string })
  | (ApplyOutcome & { verdict: "conflict"; conflicts: Conflict[]; counts: PlanCounts; record: OwnedFile[] })
  | (ApplyOutcome & { verdict: "failed"; code: string; message: string; retryInMs: number })
  | { verdict: "source-error"; error: SourceError; attempt: number; retryInMs: number | undefined };

export interface OutcomeSinks {
  log: EventLog;
  metrics: DaemonMetrics;
  readiness: ReadinessTracker;
  /** Persists the state file; failures are the callee's to report. */
  saveState: (snapshot: StateSnapshot) => Promise<void>;
  /** Read at each record: `auto` names the cloud it detected once it has. */
  sourceName: () => string;
  /** Told after each outcome is recorded (what was recorded, and the snapshot now): the kubelet and cloud reporters follow it. */
  onRecorded?: (what: SyncVerdict | "pods" | "policy", snapshot: StateSnapshot) => void;
}

export class OutcomeRecorder {
  readonly snapshot: StateSnapshot;

  constructor(private readonly sinks: OutcomeSinks, manifestDir: string, record: OwnedFile[] | undefined) {
    this.snapshot = { source: sinks.sourceName(), manifestDir, record: record ?? [] };
  }

  /** The revision now being handled: what `rower status` shows as the latest read. */
  noteRevision(revision: string): void {
    this.snapshot.revision = revision;
  }

  async record(outcome: SyncOutcome): Promise<void> {
    await this.recordOutcome(outcome);
    this.sinks.onRecorded?.(outcome.verdict, this.snapshot);
  }

  private async recordOutcome(outcome: SyncOutcome): Promise<void> {
    const { log, metrics, readiness } = this.sinks;
    const now = new Date();
    this.snapshot.source = this.sinks.sourceName();
    switch (outcome.verdict) {
      case "applied":
      case "unchanged": {
        const { counts } = outcome;
        const changed = counts.created + counts.updated + counts.deleted;
        // A drift repair that found nothing to do is not an event.
        if (outcome.cause === "drift" && changed === 0) return;
        this.snapshot.record = outcome.record;
        this.snapshot.appliedRevision = outcome.revision;
        metrics.managedPods.set(outcome.pods);
        metrics.lastSuccessfulSync.set(now.getTime() / 1000);
        recordAppliedRevision(metrics, this.sinks.sourceName(), outcome.revision);
        // A drift repair is counted as such, not as a sync of the source.
        if (outcome.cause === "drift") metrics.driftRepairs.inc(changed);
        else metrics.syncs.inc({ result: outcome.verdict });
        // Repairing drift (or retrying) with an older good set does not make a refused newer
        // revision good: readiness and the last sync speak of the latest revision only.
        if (outcome.current) {
          readiness.recordSyncSucceeded(outcome.revision);
          this.snapshot.lastSync = { time: now, result: outcome.verdict, revision: outcome.revision, counts };
        }
        await this.sinks.saveState(this.snapshot);
        const countFields = { created: counts.created, updated: counts.updated, deleted: counts.deleted, unchanged: counts.unchanged };
        if (outcome.cause === "drift") log.warn("drift.repaired", { ...outcome.fields, ...countFields });
        else log.info(outcome.verdict === "applied" ? "sync.applied" : "sync.unchanged", { ...outcome.fields, ...countFields, pods: outcome.pods });
        if (outcome.interrupted) log.warn("sync.interrupted", { ...outcome.fields, reason: "stopping" });
        return;
      }
      case "kept":
        metrics.syncs.inc({ result: "kept" });
        readiness.recordSyncSucceeded(outcome.revision);
        this.snapshot.lastSync = { time: now, result: "kept", revision: outcome.revision };
        await this.sinks.saveState(this.snapshot);
        log.warn("source.absent", { ...outcome.fields, action: "kept", reason: "--keep-on-absent" });
        return;
      case "invalid":
        metrics.syncs.inc({ result: "invalid" });
        readiness.recordRevisionRefused(outcome.revision, `${outcome.reason}; nothing applied`);
        this.snapshot.lastSync = { time: now, result: "invalid", revision: outcome.revision };
        this.snapshot.lastError = {
          time: now, message: `revision ${outcome.revision} is invalid: ${outcome.reason}; nothing applied`,
          errors: outcome.errors, errorCount: outcome.errorCount,
        };
        await this.sinks.saveState(this.snapshot);
        log.error("sync.invalid", {
          ...outcome.fields, action: "nothing applied", reason: outcome.reason, errorCount: outcome.errorCount,
          errors: loggableErrors(outcome.errors),
        });
        return;
      case "conflict": {
        const { counts } = outcome;
        this.snapshot.record = outcome.record;
        metrics.syncs.inc({ result: "conflict" });
        readiness.recordRevisionRefused(outcome.revision, `${outcome.conflicts.length} conflict(s) in the manifest directory`);
        this.snapshot.lastSync = { time: now, result: "conflict", revision: outcome.revision, counts };
        this.snapshot.lastError = { time: now, message: outcome.conflicts.map((c) => `${c.file}: ${c.reason}`).join("; ") };
        await this.sinks.saveState(this.snapshot);
        for (const conflict of outcome.conflicts) log.warn("conflict", { ...outcome.fields, ...conflict });
        log.error("sync.conflict", {
          ...outcome.fields, cause: outcome.cause, conflicts: outcome.conflicts.length,
          changed: counts.created + counts.updated + counts.deleted, action: "nothing applied; resolve the conflicts",
        });
        return;
      }
      case "failed":
        metrics.syncs.inc({ result: "failed" });
        readiness.recordSyncFailed(`${outcome.code}: ${outcome.message}`);
        this.snapshot.lastSync = { time: now, result: "failed", revision: outcome.revision };
        this.snapshot.lastError = { time: now, message: outcome.message };
        await this.sinks.saveState(this.snapshot);
        log.error("sync.failed", { ...outcome.fields, cause: outcome.cause, code: outcome.code, message: outcome.message, retryInMs: outcome.retryInMs });
        return;
      case "source-error": {
        const { error } = outcome;
        metrics.sourceErrors.inc({ kind: error.errorKind });
        readiness.recordSourceFailed(`${error.errorKind}: ${error.message}`);
        this.snapshot.lastError = { time: now, message: `source ${error.errorKind}: ${error.message}` };
        await this.sinks.saveState(this.snapshot);
        log.warn("source.error", {
          source: error.source, kind: error.errorKind, status: error.status, message: error.message,
          attempt: outcome.attempt, retryInMs: outcome.retryInMs,
        });
        return;
      }
    }
  }

  /** The policy in force changed, or the file's new content was refused: the state says which. */
  async recordPolicy(status: NonNullable<StateSnapshot["policy"]>): Promise<void> {
    this.snapshot.policy = status;
    await this.sinks.saveState(this.snapshot);
    this.sinks.onRecorded?.("policy", this.snapshot);
  }

  /**
   * What runs of each managed pod, as the kubelet reports it (`--kubelet`). The state file is
   * written only when a state or the kubelet's reachability changed; each change of a pod's state
   * is an event.
   */
  async recordPods(states: PodState[], contact: Omit<KubeletContact, "since">, now = new Date()): Promise<void> {
    const { log, metrics } = this.sinks;
    const counts = countStates(states);
    for (const [state, count] of Object.entries(counts)) metrics.pods.set({ state }, count);
    const before = new Map((this.snapshot.pods ?? []).map((p) => [p.pod, p]));
    const changed = states.filter((p) => {
      const was = before.get(p.pod);
      return was === undefined || was.state !== p.state || was.reason !== p.reason;
    });
    const previous = this.snapshot.kubelet;
    const contactChanged = previous === undefined || previous.reachable !== contact.reachable || previous.error !== contact.error;
    if (contactChanged) {
      this.snapshot.kubelet = { ...contact, since: now };
      if (contact.reachable) log.info("kubelet.reached", { url: contact.url });
      else log.warn("kubelet.unreachable", { url: contact.url, message: contact.error, action: "pod states unknown until it answers" });
    }
    const gone = before.size !== states.length || [...before.keys()].some((pod) => !states.some((s) => s.pod === pod));
    if (changed.length === 0 && !contactChanged && !gone) return;
    this.snapshot.pods = states;
    await this.sinks.saveState(this.snapshot);
    for (const p of changed) log.info("pod.state", { pod: p.pod, file: p.file, state: p.state, reason: p.reason, was: before.get(p.pod)?.state });
    log.info("pods.observed", { ...counts, pods: states.length });
    this.sinks.onRecorded?.("pods", this.snapshot);
  }

  /** The source answered: readiness forgets earlier failures. */
  recordSourceReached(previousFailures: number): void {
    if (previousFailures > 0) this.sinks.log.info("source.recovered", { source: this.sinks.sourceName(), afterFailures: previousFailures });
    this.sinks.readiness.recordSourceReached();
  }
}
