// Waiting between polls: jittered so a fleet does not hit the metadata server in step,
// abortable, and leaving no timer behind once it returns. Polls that bring nothing new
// start at least the floor apart, whatever the server does with `wait_for_change` or
// however short `--poll-interval` is: a server answering at once must not make rower spin.
import { setTimeout as delay } from "node:timers/promises";

/** The spread of every interval's jitter: ±10%. */
export const JITTER_SPREAD = 0.1;
/** Floor between the starts of two polls when the first brought nothing new. */
export const POLL_FLOOR_MS = 1000;
/** The floor is jittered upward only (1 s to 1.2 s), so it is never under a second. */
const POLL_FLOOR_SPREAD = 0.2;
export const POLL_FLOOR_MAX_MS = POLL_FLOOR_MS * (1 + POLL_FLOOR_SPREAD);

/** `ms` ± `spread` (a fraction, default 10%). */
export function jitter(ms: number, spread = JITTER_SPREAD, random: () => number = Math.random): number {
  return Math.max(0, Math.round(ms * (1 - spread + 2 * spread * random())));
}

/** The longest `jitter(ms)` can be. */
export function maxJitter(ms: number, spread = JITTER_SPREAD): number {
  return Math.ceil(ms * (1 + spread));
}

/** One draw of the floor, in [POLL_FLOOR_MS, POLL_FLOOR_MAX_MS]. */
export function pollFloorMs(random: () => number = Math.random): number {
  return Math.round(POLL_FLOOR_MS * (1 + POLL_FLOOR_SPREAD * random()));
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
