// Waiting between polls: jittered so a fleet does not hit the metadata server in step,
// abortable, and leaving no timer behind once it returns.
import { setTimeout as delay } from "node:timers/promises";

/** `ms` ± `spread` (a fraction, default 10%). */
export function jitter(ms: number, spread = 0.1, random: () => number = Math.random): number {
  return Math.max(0, Math.round(ms * (1 - spread + 2 * spread * random())));
}

/** Resolves true after the delay, false as soon as the signal aborts. */
export async function sleepWithJitter(ms: number, signal: AbortSignal, spread = 0.1): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await delay(jitter(ms, spread), undefined, { signal });
    return true;
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  }
}
