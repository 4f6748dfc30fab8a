// The watch every polled source shares (EC2, Azure, URL), as afterburn's provider trait
// supplies its defaults: a provider implements read(), and pollingSource turns it into a
// watch that yields each new revision, each error, and a contact after every poll that
// brought nothing new, pausing the interval between polls.
import { jitter, maxJitter, sleep } from "./jittered-sleep.js";
import { describePayload } from "./revision.js";
import type { Payload, Source, SourceContact, SourceError } from "./source.js";
import { STALE_SLACK_MS, type SourceLog } from "./source-options.js";

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
    // The wait after a poll plus the next poll itself.
    staleAfterMs: maxJitter(options.intervalMs) + options.pollTimeoutMs + STALE_SLACK_MS,
    watch: (signal) => pollRevisions(options.openWatchRead?.() ?? read, options, signal),
  };
}

async function* pollRevisions(read: Read, options: PollingOptions, signal: AbortSignal): AsyncGenerator<Payload | SourceError | SourceContact> {
  const { log, name } = options;
  let lastRevision: string | undefined;
  while (!signal.aborted) {
    let next: Payload | SourceError;
    try {
      next = await read(signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    if (next.kind === "error") {
      // The consumer's pause before its next pull is the backoff; after an error the
      // next good read is yielded even if its revision is the last one seen.
      lastRevision = undefined;
      yield next;
    } else if (next.revision !== lastRevision) {
      lastRevision = next.revision;
      log.debug?.("source.revision", describePayload(next));
      yield next;
    } else {
      yield { kind: "contact", source: name };
    }
    if (next.kind !== "error" && !(await sleep(jitter(options.intervalMs), signal))) return;
  }
}
