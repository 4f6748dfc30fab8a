// Capped exponential backoff with jitter: a pure function of the attempt, no timers inside.
export const BACKOFF_INITIAL_MS = 1_000;
export const BACKOFF_MAX_MS = 60_000;

/**
 * Delay before retry number `attempt` (1 for the first retry): 1 s doubling to 60 s,
 * then "equal jitter" (half fixed, half random) so a fleet restarted together spreads out
 * while no retry comes sooner than half its step.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 16));
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** exponent);
  return Math.round(step / 2 + random() * (step / 2));
}
