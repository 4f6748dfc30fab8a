// The daemon's loop: read the source, then follow its watch; each payload becomes a desired
// set that is applied all or nothing; directory drift re-applies the latest valid set.
// Guarantees:
// - files change only through one serialized reconcile at a time;
// - an invalid, unreachable or garbage phase never removes a file;
// - a revision already handled is not handled again unless forced (start, SIGHUP).
import type { DirLock } from "../manifests/dir-lock.js";
import type { DesiredManifest, OwnedFile, PlanCounts } from "../manifests/manifest-plan.js";
import type { Payload, Source, SourceError } from "../sources/source.js";
import { waitFor } from "./abortable-delay.js";
import { backoffDelay } from "./backoff.js";
import { recordAppliedRevision, type DaemonMetrics, type SyncResult as MetricResult } from "./daemon-metrics.js";
import type { StateSnapshot } from "./daemon-state.js";
import { resolveDesiredSet, summarizePayload, type DesiredSetOptions, type PipelineSteps } from "./desired-set.js";
import type { EventLog } from "./event-log.js";
import { loggableErrors } from "./loggable-errors.js";
import type { ReadinessTracker } from "./readiness.js";
import { reconcileDirectory, type ReconcileOutcome } from "./reconcile-directory.js";

/** Retries of an oversized value wait at most this attempt's backoff (4-8 s): it is not an outage. */
const TOO_LARGE_MAX_ATTEMPT = 4;

/** How one sync ended; `--once` exits 0 on the first three. */
export type SyncVerdict = "applied" | "unchanged" | "kept" | "invalid" | "conflict" | "failed" | "source-error";

export interface SyncLoopOptions {
  source: Source;
  steps: PipelineSteps;
  desiredSet: DesiredSetOptions;
  manifestDir: string;
  /** The manifest directory's lock, checked (and re-established) before every apply. */
  lock?: Pick<DirLock, "ensureHeld">;
  /** Owned-files record from the state file; undefined when there is none. */
  record: OwnedFile[] | undefined;
  log: EventLog;
  metrics: DaemonMetrics;
  readiness: ReadinessTracker;
  /** Persists the state file; failures are the callee's to report. */
  saveState: (snapshot: StateSnapshot) => Promise<void>;
  /** Aborted on SIGTERM/SIGINT: no new work starts, the write in flight finishes. */
  signal: AbortSignal;
  random?: () => number;
}

export class SyncLoop {
  private record: OwnedFile[] | undefined;
  /** The latest valid desired set (applied, or refused only by a conflict or an I/O failure). */
  private desired: { manifests: DesiredManifest[]; revision: string } | undefined;
  private handledRevision: string | undefined;
  private snapshot: StateSnapshot;
  private queue: Promise<unknown> = Promise.resolve();
  private driftQueued = false;
  private applyFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SyncLoopOptions) {
    this.record = options.record;
    this.snapshot = { source: options.source.name, manifestDir: options.manifestDir, record: options.record ?? [] };
  }

  /** `rower run --once`: one full read and one sync. */
  async syncOnce(): Promise<SyncVerdict> {
    const payload = await this.readSource(this.options.signal);
    if (payload === "aborted") return "source-error";
    if (payload.kind === "error" && payload.errorKind === "too-large") return this.refuseTooLarge(payload, true);
    if (payload.kind === "error") {
      this.reportSourceError(payload, 1, undefined);
      return "source-error";
    }
    return this.syncPayload(payload, true);
  }

  /**
   * Runs until the signal aborts. A cycle is one full read followed by the watch;
   * `nextCycle` returns the signal of a new cycle, which SIGHUP aborts to force a re-read.
   */
  async run(nextCycle: () => AbortSignal): Promise<void> {
    const { signal } = this.options;
    let failures = 0;
    while (!signal.aborted) {
      const cycle = nextCycle();
      const first = await this.readSource(cycle);
      if (first === "aborted" || cycle.aborted) continue;
      if (first.kind === "error" && first.errorKind !== "too-large") {
        failures++;
        const delay = backoffDelay(failures, this.options.random);
        this.reportSourceError(first, failures, delay);
        await waitFor(delay, cycle);
        continue;
      }
      failures = this.recordSourceReached(failures);
      if (first.kind === "error") await this.refuseTooLarge(first, true);
      else await this.syncPayload(first, true);
      failures = await this.followWatch(cycle, failures);
      if (!cycle.aborted) {
        failures++;
        await waitFor(backoffDelay(failures, this.options.random), cycle);
      }
    }
    await this.close();
  }

  /** Follows the source's watch until it ends or the cycle aborts; returns the failure count. */
  private async followWatch(cycle: AbortSignal, failuresSoFar: number): Promise<number> {
    let failures = failuresSoFar;
    let tooLargeStreak = 0;
    try {
      for await (const item of this.options.source.watch(cycle)) {
        // A round-trip that brought nothing new: staleness is the readiness side's business.
        if (item.kind === "contact") continue;
        if (item.kind === "error" && item.errorKind === "too-large") {
          // The source answered: an oversized value is an invalid revision, not an outage.
          failures = this.recordSourceReached(failures);
          await this.refuseTooLarge(item, false);
          // The watch may answer the same oversized value at once: a short wait, not the outage backoff.
          tooLargeStreak++;
          await waitFor(backoffDelay(Math.min(tooLargeStreak, TOO_LARGE_MAX_ATTEMPT), this.options.random), cycle);
          continue;
        }
        tooLargeStreak = 0;
        if (item.kind === "error") {
          failures++;
          const delay = backoffDelay(failures, this.options.random);
          this.reportSourceError(item, failures, delay);
          // The watch fetches again only when pulled, so waiting here is the backoff.
          await waitFor(delay, cycle);
          continue;
        }
        failures = this.recordSourceReached(failures);
        await this.syncPayload(item, false);
      }
    } catch (err) {
      // A request cut short by SIGHUP or SIGTERM rejects with the abort reason: that is the plan.
      if (!cycle.aborted) throw err;
    }
    return failures;
  }

  /** Someone touched the directory (or the periodic re-check fired): re-apply the latest valid set. */
  requestDriftCheck(): void {
    if (this.driftQueued || this.desired === undefined || this.options.signal.aborted) return;
    this.driftQueued = true;
    void this.serialize(async () => {
      this.driftQueued = false;
      const desired = this.desired;
      if (desired === undefined || this.options.signal.aborted) return;
      await this.applyDesired(desired, "drift");
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    await this.queue;
  }

  /** Runs `work` after everything queued before it; the caller sees its result or failure. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    // The queue only needs to know the work settled; its failure belongs to `next`'s caller.
    this.queue = next.then(() => undefined, () => undefined);
    return next;
  }

  private async readSource(signal: AbortSignal): Promise<Payload | SourceError | "aborted"> {
    const started = performance.now();
    try {
      const result = await this.options.source.read(signal);
      this.options.metrics.fetchSeconds.observe((performance.now() - started) / 1000);
      return result;
    } catch (err) {
      // Rejecting with the abort reason is how a source stops a read cut short by a signal.
      if (signal.aborted) return "aborted";
      throw err;
    }
  }

  /** Returns the new failure count (zero). */
  private recordSourceReached(failures: number): number {
    if (failures > 0) this.options.log.info("source.recovered", { source: this.options.source.name, afterFailures: failures });
    this.options.readiness.recordSourceReached();
    return 0;
  }

  private reportSourceError(error: SourceError, attempt: number, retryInMs: number | undefined): void {
    const { log, metrics, readiness } = this.options;
    log.warn("source.error", {
      source: error.source, kind: error.errorKind, status: error.status, message: error.message, attempt, retryInMs,
    });
    metrics.sourceErrors.inc({ kind: error.errorKind });
    readiness.recordSourceFailed(`${error.errorKind}: ${error.message}`);
    this.snapshot.lastError = { time: new Date(), message: `source ${error.errorKind}: ${error.message}` };
    void this.serialize(() => this.options.saveState(this.snapshot));
  }

  /**
   * A value over the provider's cap (or --max-bytes) is refused like an invalid revision:
   * nothing applied, readiness "revision-refused". It has no revision of its own, so the
   * error text stands in for one: the same refusal is reported once, not on every pull.
   */
  private refuseTooLarge(error: SourceError, force: boolean): Promise<SyncVerdict> {
    return this.serialize(async (): Promise<SyncVerdict> => {
      const { log, metrics, readiness } = this.options;
      const refusal = `too-large: ${error.message}`;
      if (!force && refusal === this.handledRevision) return "invalid";
      this.handledRevision = refusal;
      metrics.syncs.inc({ result: "invalid" });
      readiness.recordRevisionRefused(undefined, `${error.source}: ${error.message}; nothing applied`);
      const now = new Date();
      this.snapshot.lastSync = { time: now, result: "invalid" };
      this.snapshot.lastError = { time: now, message: `${error.source}: ${error.message}; nothing applied` };
      await this.options.saveState(this.snapshot);
      log.error("sync.invalid", { source: error.source, kind: error.errorKind, reason: error.message, action: "nothing applied" });
      return "invalid";
    });
  }

  private syncPayload(payload: Payload, force: boolean): Promise<SyncVerdict> {
    return this.serialize(async (): Promise<SyncVerdict> => {
      const { log, metrics, readiness } = this.options;
      if (!force && payload.revision === this.handledRevision) return "unchanged";
      this.handledRevision = payload.revision;
      this.snapshot.revision = payload.revision;
      const fields = { source: payload.source, revision: payload.revision, ...summarizePayload(payload) };
      const set = resolveDesiredSet(payload, this.options.steps, this.options.desiredSet);
      if (set.kind === "invalid") {
        metrics.syncs.inc({ result: "invalid" });
        readiness.recordRevisionRefused(payload.revision, `${set.errors.length} error(s); nothing applied`);
        const now = new Date();
        this.snapshot.lastSync = { time: now, result: "invalid", revision: payload.revision };
        this.snapshot.lastError = { time: now, message: `revision ${payload.revision} is invalid; nothing applied`, errors: set.errors };
        await this.options.saveState(this.snapshot);
        log.error("sync.invalid", { ...fields, action: "nothing applied", errorCount: set.errors.length, errors: loggableErrors(set.errors) });
        return "invalid";
      }
      if (set.kind === "keep") {
        metrics.syncs.inc({ result: "unchanged" });
        readiness.recordSyncSucceeded(payload.revision);
        this.snapshot.lastSync = { time: new Date(), result: "unchanged", revision: payload.revision };
        await this.options.saveState(this.snapshot);
        log.warn("source.absent", { ...fields, action: "kept", reason: "--keep-on-absent" });
        return "kept";
      }
      if (set.why === "absent") log.warn("source.absent", { ...fields, action: "removing rower's files", hint: "--keep-on-absent keeps them" });
      if (set.why === "empty") log.info("source.empty", { ...fields, action: "removing rower's files" });
      this.desired = { manifests: set.manifests, revision: payload.revision };
      return this.applyDesired(this.desired, "sync", fields);
    });
  }

  /** Must run inside `serialize`. */
  private async applyDesired(
    desired: { manifests: DesiredManifest[]; revision: string },
    cause: "sync" | "drift" | "retry",
    fields: Record<string, unknown> = { source: this.options.source.name, revision: desired.revision },
  ): Promise<SyncVerdict> {
    const { log } = this.options;
    const outcome = await reconcileDirectory(desired.manifests, {
      dir: this.options.manifestDir,
      record: this.record,
      signal: this.options.signal,
      // Conflicts are logged once, from the outcome below.
      log: (event, details) => { if (event !== "conflict") log.info(event, details); },
      ...(this.options.lock ? { lock: this.options.lock } : {}),
    });
    if (outcome.kind === "failed") return this.recordApplyFailure(outcome, desired.revision, fields);
    this.applyFailures = 0;
    this.record = outcome.record;
    this.snapshot.record = outcome.record;
    const changed = outcome.counts.created + outcome.counts.updated + outcome.counts.deleted;
    if (outcome.kind === "conflict") return this.recordConflict(outcome, desired.revision, fields, cause, changed);
    if (cause === "drift" && changed === 0) return "unchanged";
    const result: MetricResult = changed > 0 ? "applied" : "unchanged";
    const counts = { created: outcome.counts.created, updated: outcome.counts.updated, deleted: outcome.counts.deleted, unchanged: outcome.counts.unchanged };
    // A drift repair is counted as such, not as a sync of the source.
    if (cause !== "drift") this.options.metrics.syncs.inc({ result });
    this.recordSuccess(desired.revision, result, outcome.counts, desired.manifests.length);
    // The state file is written before the event, so whoever sees the event can read it.
    await this.options.saveState(this.snapshot);
    if (cause === "drift") {
      log.warn("drift.repaired", { ...fields, ...counts });
      this.options.metrics.driftRepairs.inc(changed);
    } else {
      log.info(changed > 0 ? "sync.applied" : "sync.unchanged", { ...fields, ...counts, pods: desired.manifests.length });
    }
    if (!outcome.complete) log.warn("sync.interrupted", { ...fields, reason: "stopping" });
    return result;
  }

  private recordSuccess(revision: string, result: MetricResult, counts: PlanCounts, pods: number): void {
    const { metrics, readiness } = this.options;
    metrics.managedPods.set(pods);
    metrics.lastSuccessfulSync.set(Date.now() / 1000);
    recordAppliedRevision(metrics, this.options.source.name, revision);
    // Repairing drift (or retrying) with an older good set does not make the refused newer
    // revision good: readiness and the last sync speak of the latest revision only.
    if (revision !== this.handledRevision) return;
    readiness.recordSyncSucceeded(revision);
    this.snapshot.lastSync = { time: new Date(), result: result === "applied" ? "applied" : "unchanged", revision, counts };
  }

  private async recordConflict(
    outcome: Extract<ReconcileOutcome, { kind: "conflict" }>, revision: string, fields: Record<string, unknown>, cause: string, changed: number,
  ): Promise<SyncVerdict> {
    const { log, metrics, readiness } = this.options;
    metrics.syncs.inc({ result: "conflict" });
    readiness.recordRevisionRefused(revision, `${outcome.conflicts.length} conflict(s) in the manifest directory`);
    const now = new Date();
    this.snapshot.lastSync = { time: now, result: "error", revision, counts: outcome.counts };
    this.snapshot.lastError = { time: now, message: outcome.conflicts.map((c) => `${c.file}: ${c.reason}`).join("; ") };
    await this.options.saveState(this.snapshot);
    for (const conflict of outcome.conflicts) log.warn("conflict", { ...fields, ...conflict });
    log.error("sync.conflict", { ...fields, cause, conflicts: outcome.conflicts.length, changed, action: "nothing applied; resolve the conflicts" });
    return "conflict";
  }

  private async recordApplyFailure(
    outcome: Extract<ReconcileOutcome, { kind: "failed" }>, revision: string, fields: Record<string, unknown>,
  ): Promise<SyncVerdict> {
    const { log, metrics, readiness } = this.options;
    this.applyFailures++;
    const retryInMs = backoffDelay(this.applyFailures, this.options.random);
    metrics.syncs.inc({ result: "failed" });
    readiness.recordSyncFailed(`${outcome.code}: ${outcome.message}`);
    const now = new Date();
    this.snapshot.lastSync = { time: now, result: "error", revision };
    this.snapshot.lastError = { time: now, message: outcome.message };
    await this.options.saveState(this.snapshot);
    log.error("sync.failed", { ...fields, code: outcome.code, message: outcome.message, retryInMs });
    // Disk full or read-only: the same revision will not arrive again, so retry on a timer.
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      const desired = this.desired;
      if (desired !== undefined && !this.options.signal.aborted) void this.serialize(() => this.applyDesired(desired, "retry"));
    }, retryInMs);
    return "failed";
  }
}
