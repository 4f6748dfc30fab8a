// Durations as the CLI contract spells them: a whole number plus ms, s, m or h.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export const DURATION_FORMS = "a duration such as 500ms, 10s, 5m";

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = UNIT_MS[match[2] ?? ""];
  if (unit === undefined || !Number.isSafeInteger(amount * unit)) return undefined;
  return amount * unit;
}
