// The watch every polled source shares (EC2, Azure, URL), as afterburn's provider trait
// supplies its defaults: a provider implements read(), and pollingSource turns it into a
// watch that yields each new revision, each error, and a contact after every poll that
// brought nothing new. A poll that brought nothing new is followed by the interval, and
// never starts the next one sooner than the floor after its own start.
import { jitter, maxJitter, pollFloorMs, POLL_FLOOR_MAX_MS, sleep } from "./jittered-sleep.js";
import { describePayload } from "./revision.js";
import type { Payload, Source, SourceContact, SourceError } from "./source.js";
import { STALE_SLACK_MS, type SourceLog } from "./source-options.js";
import { monotonicMs } from "../clock/monotonic-ms.js";

export type Read = (signal: AbortSignal) => Promise<Payload | SourceError>;

export interface PollingOptions {
  /** The source's name, carried by each contact. */
  name: string;
  intervalMs: number;
  /** Longest a healthy poll takes: the connect and response timeouts of its requests. */
  pollTimeoutMs: number;
  log: SourceLog;
  /** A read keeping one watch's state across its polls (ETags for conditional requests); default: `read`. */
  openWatchRead?: () => Read;
}

export type PolledWatch = Pick<Source, "staleAfterMs" | "watch">;

export function pollingSource(read: Read, options: PollingOptions): PolledWatch {
  return {
    // The wait after a poll plus the next poll itself; the floor rules when the interval is shorter.
    staleAfterMs: Math.max(maxJitter(options.intervalMs), POLL_FLOOR_MAX_MS) + options.pollTimeoutMs + STALE_SLACK_MS,
    watch: (signal) => pollRevisions(options.openWatchRead?.() ?? read, options, signal),
  };
}

async function* pollRevisions(read: Read, options: PollingOptions, signal: AbortSignal): AsyncGenerator<Payload | SourceError | SourceContact> {
  const { log, name } = options;
  let lastRevision: string | undefined;
  while (!signal.aborted) {
    const started = monotonicMs();
    let next: Payload | SourceError;
    try {
      next = await read(signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    let fresh = false;
    if (next.kind === "error") {
      // The consumer's pause before its next pull is the backoff; after an error the
      // next good read is yielded even if its revision is the last one seen.
      lastRevision = undefined;
      yield next;
    } else if (next.revision !== lastRevision) {
      lastRevision = next.revision;
      fresh = true;
      log.debug?.("source.revision", describePayload(next));
      yield next;
    } else {
      yield { kind: "contact", source: name };
    }
    const intervalMs = next.kind === "error" ? 0 : jitter(options.intervalMs);
    // Measured from this poll's start, so a slow poll (or the consumer's backoff) already counts.
    const floorMs = fresh ? 0 : started + pollFloorMs() - monotonicMs();
    if (!(await sleep(Math.max(intervalMs, floorMs), signal))) return;
  }
}
