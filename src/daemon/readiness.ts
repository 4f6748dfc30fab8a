// `/readyz` answers "is the directory what the metadata says, and can we still hear the metadata?"
// Ready only when the last sync succeeded, the source has not failed 3 times in a row, and the
// source answered within the time a healthy watch takes (a hung long poll is not "ready").
import { monotonicMs } from "../clock/monotonic-ms.js";

export const SOURCE_FAILURE_THRESHOLD = 3;

export type NotReadyReason = "no-sync-yet" | "revision-refused" | "sync-failed" | "source-failing" | "source-stale";

export interface ReadinessClock {
  /** The longest a healthy watch goes without an answer (Source.staleAfterMs, read each time: auto detection changes it). */
  staleAfterMs: () => number;
  now?: () => number;
}

export type Readiness =
  | { ready: true; revision: string }
  | { ready: false; reason: NotReadyReason; detail: string };

export class ReadinessTracker {
  private lastSync: { ok: true; revision: string } | { ok: false; reason: NotReadyReason; detail: string } | undefined;
  private sourceFailures = 0;
  private lastSourceError = "";
  private lastContactAt: number | undefined;
  private readonly now: () => number;

  constructor(private readonly clock: ReadinessClock = { staleAfterMs: () => Number.POSITIVE_INFINITY }) {
    this.now = clock.now ?? (() => monotonicMs());
  }

  recordSyncSucceeded(revision: string): void {
    this.lastSync = { ok: true, revision };
  }

  /** The revision was read but not applied: invalid pods, a conflict, or a value over the cap (no revision). */
  recordRevisionRefused(revision: string | undefined, detail: string): void {
    this.lastSync = { ok: false, reason: "revision-refused", detail: revision === undefined ? detail : `revision ${revision}: ${detail}` };
  }

  /** Applying failed for a reason outside the payload (disk full, permissions). */
  recordSyncFailed(detail: string): void {
    this.lastSync = { ok: false, reason: "sync-failed", detail };
  }

  recordSourceReached(): void {
    this.sourceFailures = 0;
    this.lastContactAt = this.now();
  }

  recordSourceFailed(detail: string): void {
    this.sourceFailures += 1;
    this.lastSourceError = detail;
  }

  current(): Readiness {
    if (this.sourceFailures >= SOURCE_FAILURE_THRESHOLD) {
      return { ready: false, reason: "source-failing", detail: `${this.sourceFailures} failures in a row, last: ${this.lastSourceError}` };
    }
    if (this.lastContactAt !== undefined) {
      const silentMs = this.now() - this.lastContactAt;
      const staleAfterMs = this.clock.staleAfterMs();
      if (silentMs > staleAfterMs) {
        return {
          ready: false, reason: "source-stale",
          detail: `no answer from the source for ${Math.round(silentMs / 1000)} s; a healthy watch answers within ${Math.round(staleAfterMs / 1000)} s`,
        };
      }
    }
    if (this.lastSync === undefined) return { ready: false, reason: "no-sync-yet", detail: "no sync has succeeded yet" };
    if (!this.lastSync.ok) return { ready: false, reason: this.lastSync.reason, detail: this.lastSync.detail };
    return { ready: true, revision: this.lastSync.revision };
  }
}
