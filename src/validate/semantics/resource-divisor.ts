// resourceFieldRef.divisor (validation.go validateContainerResourceDivisor): Go compares the
// divisor's canonical text (Quantity.String) with a fixed list per resource, so `1Ki` and `1k`
// pass for memory while `1024` and `1e3` do not.
import type { FieldError } from "../../errors/field-error.js";
import { invalid } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { parseQuantityValue, signOfQuantity, type Quantity } from "../quantity.js";

const BYTES_LIST = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";

/** How the divisor was written: Quantity keeps the format of its suffix for String(). */
function formatOf(raw: unknown): "decimal" | "binary" | "exponent" {
  const text = typeof raw === "string" ? raw.trim() : String(raw);
  if (/[KMGTPE]i$/.test(text)) return "binary";
  return /[eE][-+]?[0-9]+$/.test(text) ? "exponent" : "decimal";
}

const equals = (q: Quantity, unscaled: bigint, scale: number): boolean => {
  const low = Math.min(q.scale, scale);
  if (low < -60) return false;
  return q.unscaled * 10n ** BigInt(q.scale - low) === unscaled * 10n ** BigInt(scale - low);
};

const isPowerOf1024 = (q: Quantity): boolean => [10, 20, 30, 40, 50, 60].some((bits) => equals(q, 1n << BigInt(bits), 0));
const isPowerOf1000 = (q: Quantity): boolean => [0, 3, 6, 9, 12, 15, 18].some((scale) => equals(q, 1n, scale));

/** Whether canonical String() of a byte-count divisor is one of 1, 1k…1E, 1Ki…1Ei. */
function isByteUnit(q: Quantity, format: string): boolean {
  if (format === "exponent") return equals(q, 1n, 0);
  if (format === "binary" && isPowerOf1024(q)) return true;
  return isPowerOf1000(q);
}

/** Whether canonical String() of a cpu divisor is 1 or 1m. */
function isCpuUnit(q: Quantity, format: string): boolean {
  return equals(q, 1n, 0) || (format !== "exponent" && equals(q, 1n, -3));
}

export function checkResourceDivisor(resource: string, raw: unknown, path: FieldPath): FieldError[] {
  const q = parseQuantityValue(raw);
  if (!q || signOfQuantity(q) === 0) return [];
  const format = formatOf(raw);
  const fail = (detail: string): FieldError[] => [invalid(path.child("divisor"), resource, { rule: "downwardAPI.divisor", detail })];
  switch (resource) {
    case "limits.cpu": case "requests.cpu":
      return isCpuUnit(q, format) ? [] : fail("only divisor's values 1m and 1 are supported with the cpu resource");
    case "limits.memory": case "requests.memory":
      return isByteUnit(q, format) ? [] : fail(`only divisor's values ${BYTES_LIST} are supported with the memory resource`);
    case "limits.ephemeral-storage": case "requests.ephemeral-storage":
      return isByteUnit(q, format) ? [] : fail(`only divisor's values ${BYTES_LIST} are supported with the local ephemeral storage resource`);
    default:
      if ((resource.startsWith("requests.hugepages-") || resource.startsWith("limits.hugepages-")) && !isByteUnit(q, format)) {
        return fail(`only divisor's values ${BYTES_LIST} are supported with the hugepages resource`);
      }
      return [];
  }
}
