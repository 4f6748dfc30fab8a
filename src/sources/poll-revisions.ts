// The shape every polled source shares (EC2, Azure, URL): read, yield what changed or
// failed, pause with jitter, repeat until the signal aborts.
import { sleepWithJitter } from "./jittered-sleep.js";
import { describePayload } from "./revision.js";
import type { Payload, SourceError } from "./source.js";
import type { SourceLog } from "./source-options.js";

/** One poll: the current payload, an error, or undefined when the server said "not modified". */
export type PollOnce = (signal: AbortSignal) => Promise<Payload | SourceError | undefined>;

export async function* pollRevisions(
  pollOnce: PollOnce,
  options: { intervalMs: number; log: SourceLog; signal: AbortSignal },
): AsyncGenerator<Payload | SourceError> {
  const { intervalMs, log, signal } = options;
  let lastRevision: string | undefined;
  while (!signal.aborted) {
    let next: Payload | SourceError | undefined;
    try {
      next = await pollOnce(signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    if (next?.kind === "error") {
      // The consumer's pause before its next pull is the backoff; after an error the
      // next good read is yielded even if its revision is the last one seen.
      lastRevision = undefined;
      yield next;
      continue;
    }
    if (next && next.revision !== lastRevision) {
      lastRevision = next.revision;
      log.debug?.("source.revision", describePayload(next));
      yield next;
    }
    if (!(await sleepWithJitter(intervalMs, signal))) return;
  }
}
