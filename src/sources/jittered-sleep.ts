// Waiting between polls: jittered so a fleet does not hit the metadata server in step,
// abortable, and leaving no timer behind once it returns.
import { setTimeout as delay } from "node:timers/promises";

/** The spread of every interval's jitter: ±10%. */
export const JITTER_SPREAD = 0.1;

/** `ms` ± `spread` (a fraction, default 10%). */
export function jitter(ms: number, spread = JITTER_SPREAD, random: () => number = Math.random): number {
  return Math.max(0, Math.round(ms * (1 - spread + 2 * spread * random())));
}

/** The longest `jitter(ms)` can be. */
export function maxJitter(ms: number, spread = JITTER_SPREAD): number {
  return Math.ceil(ms * (1 + spread));
}

/** Resolves true after `ms`, false as soon as the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  }
}

/** Resolves true after the delay, false as soon as the signal aborts. */
export async function sleepWithJitter(ms: number, signal: AbortSignal, spread = JITTER_SPREAD): Promise<boolean> {
  return sleep(jitter(ms, spread), signal);
}
