// Wakes every pending GCE `wait_for_change` request when the emulated metadata changes.
import { setTimeout as delay } from "node:timers/promises";

export class ChangeNotifier {
  private readonly waiters = new Set<() => void>();
  /** performance.now() at the last change: an in-process caller (the bench) times from it. */
  lastChangeAt: number | undefined;

  /** Wakes all current waiters. */
  notifyChange(): void {
    this.lastChangeAt = performance.now();
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }

  /** Resolves on the next change, after `timeoutMs`, or when the signal aborts. */
  async waitForChange(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    let wake: () => void = () => {};
    const changed = new Promise<void>((resolve) => {
      wake = resolve;
      this.waiters.add(resolve);
    });
    const timedOut = delay(timeoutMs, undefined, { signal: stop.signal }).catch((err: unknown) => {
      // Stopped early because a change came or the request went away.
      if (!stop.signal.aborted) throw err;
    });
    try {
      await Promise.race([changed, timedOut]);
    } finally {
      this.waiters.delete(wake);
      signal.removeEventListener("abort", onAbort);
      stop.abort();
    }
  }

  get waiting(): number {
    return this.waiters.size;
  }
}
