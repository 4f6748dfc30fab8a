// A stable order for errors: by field path with indices compared as numbers
// (`containers[2]` before `containers[10]`), then type, rule and detail.
import type { FieldError } from "./field-error.js";

const CHUNKS = /\d+|\D+/g;

export function compareNatural(a: string, b: string): number {
  const xs = a.match(CHUNKS) ?? [];
  const ys = b.match(CHUNKS) ?? [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i] ?? "";
    const y = ys[i] ?? "";
    if (x === y) continue;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits && x.length !== y.length) return x.length - y.length;
    return x < y ? -1 : 1;
  }
  return xs.length - ys.length;
}

export function compareErrors(a: FieldError, b: FieldError): number {
  return (
    compareNatural(a.field, b.field) ||
    compareNatural(a.type, b.type) ||
    compareNatural(a.rule, b.rule) ||
    compareNatural(a.detail ?? "", b.detail ?? "")
  );
}
