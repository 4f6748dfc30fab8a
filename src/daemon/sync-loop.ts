// The daemon's loop: read the source, then follow its watch; each revision becomes a desired
// set that is applied all or nothing; directory drift re-applies the latest valid set.
// Guarantees:
// - files change only through one serialized reconcile at a time;
// - an invalid, unreachable or garbage revision never removes a file;
// - a change that would remove every rower pod is applied only when a second, separate read
//   at least `absentConfirmMs` later agrees (the wipe guard);
// - the first change is applied at once, changes within the next `coalesceMs` (1 s by default)
//   are coalesced to the latest, so a flapping key cannot restart pods in a tight loop;
// - a revision already handled is not handled again unless forced (start, SIGHUP).
import type { DirLock } from "../manifests/dir-lock.js";
import type { DirectoryObserver } from "../manifests/observe-directory.js";
import type { DesiredManifest, OwnedFile } from "../manifests/manifest-plan.js";
import type { Payload, Source, SourceError } from "../sources/source.js";
import { waitFor } from "./abortable-delay.js";
import { backoffDelay } from "./backoff.js";
import type { DaemonMetrics } from "./daemon-metrics.js";
import type { StateSnapshot } from "./daemon-state.js";
import { summarizePayload, type DesiredSet, type RefusedPayload } from "./desired-set.js";
import type { EventLog, LogFields } from "./event-log.js";
import type { DesiredSetResolver } from "./pipeline-worker.js";
import type { ReadinessTracker } from "./readiness.js";
import { LOCK_LOST, reconcileDirectory } from "./reconcile-directory.js";
import { observePods } from "./observe-pods.js";
import type { KubeletPodsResult } from "../kubelet/kubelet-pods.js";
import { OutcomeRecorder, type ApplyCause, type OutcomeSinks, type SyncOutcome } from "./record-outcome.js";
import type { SyncVerdict } from "./sync-verdict.js";
import { monotonicMs } from "../clock/monotonic-ms.js";

/** A source repeating the revision already handled is not followed faster than this. */
export const REPEAT_FLOOR_MS = 1_000;
/** Drift checks (directory events) run at most this often. */
export const DRIFT_CHECK_INTERVAL_MS = 200;

export interface SyncLoopOptions {
  source: Source;
  /** decode → validate → render of one revision (on a worker thread for large payloads). */
  resolve: DesiredSetResolver;
  /** `--trust`: checks a revision's signature before it is resolved; a revision that fails comes back refused. */
  verify?: (revision: Revision) => Revision;
  manifestDir: string;
  /** The manifest directory's lock, checked (and re-established) before every apply. */
  lock?: Pick<DirLock, "ensureHeld">;
  /** The daemon's observer of the directory (remembers foreign files); one per reconcile without it. */
  observer?: DirectoryObserver;
  /** Owned-files record from the state file; undefined when there is none. */
  record: OwnedFile[] | undefined;
  /** The wipe guard's delay; 0 applies a change removing every pod at once. */
  absentConfirmMs: number;
  /** Changes arriving this soon after an applied change wait, and only the latest is applied; 0 applies each at once. */
  coalesceMs: number;
  log: EventLog;
  metrics: DaemonMetrics;
  readiness: ReadinessTracker;
  /** Persists the state file; failures are the callee's to report. */
  saveState: (snapshot: StateSnapshot) => Promise<void>;
  /** Aborted on SIGTERM/SIGINT: no new work starts, the write in flight finishes. */
  signal: AbortSignal;
  random?: () => number;
  /** Told after each outcome is recorded (see OutcomeSinks.onRecorded). */
  onRecorded?: OutcomeSinks["onRecorded"];
  /** `--policy` as it stands at start, for the state file. */
  policy?: NonNullable<StateSnapshot["policy"]>;
}

/** What the loop handles: a payload, or a value refused before decoding. */
export type Revision = Payload | RefusedPayload;

interface Desired {
  manifests: DesiredManifest[];
  revision: string;
}

export class SyncLoop {
  private readonly recorder: OutcomeRecorder;
  private record: OwnedFile[] | undefined;
  /** The latest valid desired set (applied, or refused only by a conflict or an I/O failure). */
  private desired: Desired | undefined;
  private handledRevision: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private driftQueued = false;
  private applyFailures = 0;
  private retry: AbortController | undefined;
  /** When the directory last changed because of a new revision (for coalescing). */
  private lastChangeAt: number | undefined;
  private lastRepeatAt: number | undefined;
  private lastDriftCheckAt: number | undefined;
  private readonly stop = new AbortController();
  /** The caller's stop (SIGTERM) or the loop's own (lock lost). */
  private readonly signal: AbortSignal;
  /** Another rower took the directory: the loop stopped, and the process must exit non-zero. */
  lockLost = false;

  constructor(private readonly options: SyncLoopOptions) {
    this.record = options.record;
    this.signal = AbortSignal.any([options.signal, this.stop.signal]);
    this.recorder = new OutcomeRecorder(
      {
        log: options.log, metrics: options.metrics, readiness: options.readiness, saveState: options.saveState, sourceName: () => options.source.name,
        ...(options.onRecorded === undefined ? {} : { onRecorded: options.onRecorded }),
      },
      options.manifestDir,
      options.record,
    );
    if (options.policy !== undefined) this.recorder.snapshot.policy = options.policy;
  }

  /** `rower run --once`: one full read and one sync (with the wipe guard's second read if needed). */
  async syncOnce(): Promise<SyncVerdict> {
    const { signal } = this;
    const first = await this.readSource(signal);
    if (first === "aborted") return "source-error";
    if (isSourceFailure(first)) {
      await this.serialize(() => this.recorder.record({ verdict: "source-error", error: first, attempt: 1, retryInMs: undefined }));
      return "source-error";
    }
    return this.handle(asRevision(first), true, signal);
  }

  /**
   * Runs until the signal aborts. A cycle is one full read followed by the watch;
   * `nextCycle` returns the signal of a new cycle, which SIGHUP aborts to force a re-read.
   */
  async run(nextCycle: () => AbortSignal): Promise<void> {
    const { signal } = this;
    let failures = 0;
    while (!signal.aborted) {
      const cycle = AbortSignal.any([nextCycle(), signal]);
      const first = await this.readSource(cycle);
      if (first === "aborted" || cycle.aborted) continue;
      if (isSourceFailure(first)) {
        failures = await this.sourceFailed(first, failures, cycle);
        continue;
      }
      failures = this.sourceReached(failures);
      await this.handle(asRevision(first), true, cycle);
      failures = await this.followWatch(cycle, failures);
      if (!cycle.aborted) {
        failures++;
        await waitFor(backoffDelay(failures, this.options.random), cycle);
      }
    }
    await this.close();
  }

  /** Someone touched the directory (or the periodic re-check fired): re-apply the latest valid set. */
  requestDriftCheck(): void {
    if (this.driftQueued || this.desired === undefined || this.signal.aborted) return;
    this.driftQueued = true;
    // Events on a busy directory (a foreign file touched every few ms) come in bursts: one
    // check per DRIFT_CHECK_INTERVAL_MS repairs within the second and costs little.
    const wait = this.lastDriftCheckAt === undefined ? 0 : this.lastDriftCheckAt + DRIFT_CHECK_INTERVAL_MS - monotonicMs();
    void waitFor(Math.max(0, wait), this.signal).then(() => this.serialize(async () => {
      this.driftQueued = false;
      this.lastDriftCheckAt = monotonicMs();
      const desired = this.desired;
      if (desired === undefined || this.signal.aborted) return;
      await this.applyDesired(desired, "drift");
    }));
  }

  /** `--kubelet`: one answer of /pods (or why there is none), joined with the files rower holds and recorded. */
  observeKubelet(answer: KubeletPodsResult, url: string, nodeName: string): Promise<void> {
    return this.serialize(async () => {
      const states = await observePods(this.recorder.snapshot.record, this.options.manifestDir, answer, nodeName, Date.now());
      await this.recorder.recordPods(states, answer.ok ? { url, reachable: true } : { url, reachable: false, error: answer.message });
    });
  }

  /** Records what `--policy` holds now (after a reload or a refused edit), in line with the syncs. */
  recordPolicy(status: NonNullable<StateSnapshot["policy"]>): Promise<void> {
    return this.serialize(() => this.recorder.recordPolicy(status));
  }

  async close(): Promise<void> {
    this.retry?.abort();
    await this.queue;
  }

  /** Follows the source's watch until it ends or the cycle aborts; returns the failure count. */
  private async followWatch(cycle: AbortSignal, failuresSoFar: number): Promise<number> {
    let failures = failuresSoFar;
    try {
      for await (const item of this.options.source.watch(cycle)) {
        if (item.kind === "contact") {
          // A round-trip that brought nothing new: the watch is alive (readiness tells stale from waiting).
          failures = this.sourceReached(failures);
          continue;
        }
        if (isSourceFailure(item)) {
          // The watch fetches again only when pulled, so waiting here is the backoff.
          failures = await this.sourceFailed(item, failures, cycle);
          continue;
        }
        failures = this.sourceReached(failures);
        await this.handle(asRevision(item), false, cycle);
      }
    } catch (err) {
      // A request cut short by SIGHUP or SIGTERM rejects with the abort reason: that is the plan.
      if (!cycle.aborted) throw err;
    }
    return failures;
  }

  /**
   * One revision from read or watch: coalesce it with what follows if a change was just
   * applied, resolve it, hold a wipe for its confirming read, then apply under the queue.
   */
  private async handle(first: Revision, force: boolean, cycle: AbortSignal): Promise<SyncVerdict> {
    let revision = first;
    if (!force && revision.revision === this.handledRevision) {
      await this.holdRepeat(cycle);
      return "unchanged";
    }
    if (!force) revision = await this.coalesce(revision, cycle);
    if (!force && revision.revision === this.handledRevision) return "unchanged";
    revision = this.verified(revision);
    let set = await this.options.resolve(revision);
    if (this.wouldWipe(set)) {
      const read = await this.confirmWipe(revision, cycle);
      if (read === "aborted") return "unchanged";
      const confirmed = this.verified(read);
      const second = await this.options.resolve(confirmed);
      if (!isEmptySet(second)) return this.handle(confirmed, true, cycle);
      this.options.log.warn("wipe.confirmed", {
        first: describeRead(revision), second: describeRead(confirmed), action: "removing rower's files",
      });
      revision = confirmed;
      set = second;
    }
    return this.serialize(() => this.syncResolved(revision, set, force));
  }

  private verified(revision: Revision): Revision {
    return this.options.verify === undefined ? revision : this.options.verify(revision);
  }

  /** Must run inside `serialize`. */
  private async syncResolved(revision: Revision, set: DesiredSet, force: boolean): Promise<SyncVerdict> {
    if (!force && revision.revision === this.handledRevision) return "unchanged";
    this.handledRevision = revision.revision;
    this.recorder.noteRevision(revision.revision);
    const fields = fieldsOf(revision);
    if (set.kind === "invalid") {
      await this.recorder.record({ verdict: "invalid", revision: revision.revision, fields, errors: set.errors, errorCount: set.errorCount, reason: set.reason });
      return "invalid";
    }
    if (set.kind === "keep") {
      await this.recorder.record({ verdict: "kept", revision: revision.revision, fields });
      return "kept";
    }
    if (set.why === "absent") this.options.log.warn("source.absent", { ...fields, action: "removing rower's files", hint: "--keep-on-absent keeps them" });
    if (set.why === "empty") this.options.log.info("source.empty", { ...fields, action: "removing rower's files" });
    this.desired = { manifests: set.manifests, revision: revision.revision };
    const verdict = await this.applyDesired(this.desired, "sync", fields);
    // A change the watch brought opens the coalescing window; the full read at start does not.
    if (verdict === "applied" && !force) this.lastChangeAt = monotonicMs();
    return verdict;
  }

  /** Must run inside `serialize`. */
  private async applyDesired(desired: Desired, cause: ApplyCause, fields: LogFields = { source: this.options.source.name, revision: desired.revision }): Promise<SyncVerdict> {
    const { log } = this.options;
    const outcome = await reconcileDirectory(desired.manifests, {
      dir: this.options.manifestDir,
      record: this.record,
      signal: this.signal,
      // Conflicts are logged once, by the recorder.
      log: (event, details) => { if (event !== "conflict") log.info(event, details); },
      ...(this.options.lock ? { lock: this.options.lock } : {}),
      ...(this.options.observer ? { observer: this.options.observer } : {}),
    });
    if (outcome.kind === "failed" && outcome.code === LOCK_LOST) {
      // Final: another rower writes here now. Retrying would fight it; stop, and let the
      // process exit non-zero so systemd sees it.
      this.lockLost = true;
      log.error("lock.lost", { dir: this.options.manifestDir, holderPid: outcome.holderPid, message: outcome.message, action: "stopping; exit 1" });
      this.stop.abort();
      return "failed";
    }
    const base = { revision: desired.revision, fields, cause, current: desired.revision === this.handledRevision };
    let result: SyncOutcome;
    if (outcome.kind === "failed") {
      this.applyFailures++;
      const retryInMs = backoffDelay(this.applyFailures, this.options.random);
      result = { ...base, verdict: "failed", code: outcome.code, message: outcome.message, retryInMs };
      // Disk full or read-only: the same revision will not arrive again, so retry on a timer.
      this.scheduleRetry(retryInMs);
    } else {
      this.applyFailures = 0;
      this.record = outcome.record;
      if (outcome.kind === "conflict") {
        result = { ...base, verdict: "conflict", conflicts: outcome.conflicts, counts: outcome.counts, record: outcome.record };
      } else {
        const { counts } = outcome;
        const changed = counts.created + counts.updated + counts.deleted > 0;
        result = {
          ...base, verdict: changed ? "applied" : "unchanged", counts, pods: desired.manifests.length,
          record: outcome.record, interrupted: !outcome.complete,
        };
      }
    }
    await this.recorder.record(result);
    return result.verdict;
  }

  /** Re-applies the latest valid set after `delayMs`, unless stopped or superseded first. */
  private scheduleRetry(delayMs: number): void {
    this.retry?.abort();
    const retry = new AbortController();
    this.retry = retry;
    void waitFor(delayMs, AbortSignal.any([this.signal, retry.signal])).then((ended) => {
      const desired = this.desired;
      if (ended === "elapsed" && desired !== undefined) void this.serialize(() => this.applyDesired(desired, "retry"));
    });
  }

  /** True when applying `set` would remove every pod rower holds: that needs a confirming read. */
  private wouldWipe(set: DesiredSet): boolean {
    if (this.options.absentConfirmMs <= 0 || !isEmptySet(set)) return false;
    // Only a set this process itself applied as empty proves there is nothing to lose: a record
    // read at start may be empty while marker files (a lost or early-written state) are there.
    return !(this.desired !== undefined && this.desired.manifests.length === 0);
  }

  /** Waits, then reads again until the source answers; that answer decides. */
  private async confirmWipe(first: Revision, cycle: AbortSignal): Promise<Revision | "aborted"> {
    this.options.log.warn("wipe.pending", { ...describeRead(first), action: "confirming with a second read", confirmInMs: this.options.absentConfirmMs });
    let failures = 0;
    let delay = this.options.absentConfirmMs;
    for (;;) {
      if ((await waitFor(delay, cycle)) === "aborted") return "aborted";
      const second = await this.readSource(cycle);
      if (second === "aborted") return "aborted";
      if (!isSourceFailure(second)) {
        this.sourceReached(failures);
        return asRevision(second);
      }
      failures++;
      delay = Math.max(this.options.absentConfirmMs, backoffDelay(failures, this.options.random));
      await this.serialize(() => this.recorder.record({ verdict: "source-error", error: second, attempt: failures, retryInMs: delay }));
    }
  }

  /** Coalescing: within `coalesceMs` of an applied change, wait out the window and take the latest value. */
  private async coalesce(revision: Revision, cycle: AbortSignal): Promise<Revision> {
    if (this.lastChangeAt === undefined) return revision;
    const wait = this.lastChangeAt + this.options.coalesceMs - monotonicMs();
    if (wait <= 0 || (await waitFor(wait, cycle)) === "aborted") return revision;
    const latest = await this.readSource(cycle);
    // The value the watch just gave is still the best known one if the fresh read fails.
    if (latest === "aborted" || isSourceFailure(latest)) return revision;
    return asRevision(latest);
  }

  /** A source that answers the handled revision again at once is spinning: hold it to the floor. */
  private async holdRepeat(cycle: AbortSignal): Promise<void> {
    const now = monotonicMs();
    const since = this.lastRepeatAt === undefined ? Infinity : now - this.lastRepeatAt;
    this.lastRepeatAt = now;
    if (since >= REPEAT_FLOOR_MS) return;
    const jitter = (this.options.random ?? Math.random)() * REPEAT_FLOOR_MS * 0.5;
    await waitFor(REPEAT_FLOOR_MS - since + jitter, cycle);
    this.lastRepeatAt = monotonicMs();
  }

  /** Runs `work` after everything queued before it; the caller sees its result or failure. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    // The queue only needs to know the work settled; its failure belongs to `next`'s caller.
    this.queue = next.then(() => undefined, () => undefined);
    return next;
  }

  private async readSource(signal: AbortSignal): Promise<Payload | SourceError | "aborted"> {
    const started = monotonicMs();
    try {
      const result = await this.options.source.read(signal);
      this.options.metrics.fetchSeconds.observe((monotonicMs() - started) / 1000);
      return result;
    } catch (err) {
      // Rejecting with the abort reason is how a source stops a read cut short by a signal.
      if (signal.aborted) return "aborted";
      throw err;
    }
  }

  /** Returns the new failure count (zero). */
  private sourceReached(failures: number): number {
    this.recorder.recordSourceReached(failures);
    return 0;
  }

  /** Records the failure and waits out its backoff; returns the new failure count. */
  private async sourceFailed(error: SourceError, failuresSoFar: number, cycle: AbortSignal): Promise<number> {
    const failures = failuresSoFar + 1;
    const retryInMs = backoffDelay(failures, this.options.random);
    await this.serialize(() => this.recorder.record({ verdict: "source-error", error, attempt: failures, retryInMs }));
    await waitFor(retryInMs, cycle);
    return failures;
  }
}

/** An outage of the source; a value over its cap is not one (the source answered). */
function isSourceFailure(item: Payload | SourceError): item is SourceError {
  return item.kind === "error" && item.errorKind !== "too-large";
}

/**
 * A value over the provider's cap (or --max-bytes) is a revision refused before decoding. It
 * has no bytes to name it, so one fixed revision stands for every such value: the refusal is
 * reported once, however the read or the watch words it.
 */
function asRevision(item: Payload | SourceError): Revision {
  if (item.kind !== "error") return item;
  return { kind: "refused", source: item.source, revision: "too-large", reason: item.message, refusal: "too-large", rule: "source.tooLarge" };
}

function isEmptySet(set: DesiredSet): boolean {
  return set.kind === "set" && set.manifests.length === 0;
}

function fieldsOf(revision: Revision): LogFields {
  const refused = revision.kind === "refused" ? { kind: revision.refusal } : {};
  const signed = revision.kind === "present" && revision.signedBy !== undefined ? { signedBy: revision.signedBy } : {};
  return { source: revision.source, revision: revision.revision, ...refused, ...signed, ...summarizePayload(revision) };
}

function describeRead(revision: Revision): LogFields {
  return { revision: revision.revision, kind: revision.kind, ...summarizePayload(revision) };
}
