// A quantity as text, for error details: whole numbers plainly, fractions in milli units
// when exact (`250m`), else as a decimal. Close to resource.Quantity.String for the values
// these messages carry.
import type { Quantity } from "./quantity.js";

export function formatQuantity(q: Quantity): string {
  if (q.scale >= 0) return (q.unscaled * 10n ** BigInt(Math.min(q.scale, 40))).toString();
  const places = -q.scale;
  if (places <= 3) return `${(q.unscaled * 10n ** BigInt(3 - places)).toString()}m`.replace(/^(-?\d+)000m$/, "$1");
  const divisor = 10n ** BigInt(places - 3);
  if (q.unscaled % divisor === 0n) return `${(q.unscaled / divisor).toString()}m`;
  const sign = q.unscaled < 0n ? "-" : "";
  const digits = (q.unscaled < 0n ? -q.unscaled : q.unscaled).toString().padStart(places + 1, "0");
  return `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`.replace(/\.?0+$/, "");
}
