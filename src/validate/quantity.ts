// Kubernetes resource quantities, parsed as apimachinery's `resource.ParseQuantity` does
// (pkg/api/resource/quantity.go): `<sign><digits>[.<digits>]<suffix>` where the suffix is
// decimal SI (n u m "" k M G T P E), binary SI (Ki Mi Gi Ti Pi Ei) or a decimal exponent
// (e3, E-2). Values are exact: an unscaled bigint times a power of ten, never a float.

/** The value `unscaled × 10^scale`, exactly as apimachinery would hold it after parsing. */
export interface Quantity {
  readonly unscaled: bigint;
  readonly scale: number;
}

type Suffix = { base: 10 | 2; exponent: number };

const DECIMAL_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ["n", -9], ["u", -6], ["m", -3], ["", 0], ["k", 3], ["M", 6], ["G", 9], ["T", 12], ["P", 15], ["E", 18],
]);
const BINARY_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ["Ki", 10], ["Mi", 20], ["Gi", 30], ["Ti", 40], ["Pi", 50], ["Ei", 60],
]);
const SUFFIX_LETTERS = "eEinumkKMGTP";
// apimachinery's int64Amount fast path holds at most 18 decimal digits (maxInt64Factors).
const MAX_INT64_FACTORS = 18;
const NANO_SCALE = -9;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
// Binary-SI slow-path results are capped at int64 max (apimachinery's maxAllowed), in nano units.
const MAX_ALLOWED_NANOS = INT64_MAX * 10n ** 9n;

interface QuantityParts {
  positive: boolean;
  /** Text before the suffix, sign included (what inf.Dec would read on the slow path). */
  value: string;
  /** Integer digits with leading zeros removed; "0" when none are left. */
  num: string;
  /** Fraction digits, possibly empty. */
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** Splits a quantity string the way apimachinery's parseQuantityString does; undefined if malformed. */
function splitQuantity(text: string): QuantityParts | undefined {
  let pos = 0;
  const end = text.length;
  let positive = true;
  if (text[0] === "-") { positive = false; pos++; } else if (text[0] === "+") pos++;
  while (pos < end && text[pos] === "0") pos++;
  if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
  const numStart = pos;
  while (pos < end && isDigit(text[pos])) pos++;
  const num = text.slice(numStart, pos) || "0";
  let denom = "";
  if (text[pos] === ".") {
    const denomStart = ++pos;
    while (pos < end && isDigit(text[pos])) pos++;
    denom = text.slice(denomStart, pos);
  }
  const value = text.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && SUFFIX_LETTERS.includes(text[pos] as string)) pos++;
  if (text[pos] === "-" || text[pos] === "+") pos++;
  while (pos < end && isDigit(text[pos])) pos++;
  if (pos < end) return undefined;
  return { positive, value, num, denom, suffix: text.slice(suffixStart) };
}

/** apimachinery's suffixHandler.interpret: table suffixes first, then `e<int>`/`E<int>`. */
function interpretSuffix(suffix: string): Suffix | undefined {
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: decimal };
  const binary = BINARY_SUFFIXES.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary };
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E")) {
    // Go's strconv.ParseInt(s, 10, 64): optional sign then decimal digits, within int64.
    if (!/^[+-]?[0-9]+$/.test(suffix.slice(1))) return undefined;
    const parsed = BigInt(suffix.slice(1));
    if (parsed > INT64_MAX || parsed < INT64_MIN) return undefined;
    // Go then narrows it with int32(parsed): keep that wrap-around so results agree.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)) };
  }
  return undefined;
}

/** The int64 fast path of ParseQuantity; undefined when apimachinery would take the slow path. */
function parseFast(parts: QuantityParts, suffix: Suffix): Quantity | undefined {
  const { num, denom } = parts;
  let precision: number;
  let scale: number;
  let mantissa = 1n;
  if (suffix.base === 10) {
    scale = suffix.exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  } else {
    scale = 0;
    if (denom.length !== 0) return undefined;
    mantissa = 1n << BigInt(suffix.exponent);
    // Same estimate as Go: float32(exponent)*3/10 truncated, i.e. decimal digits per binary step.
    precision = 15 - num.length - Math.trunc((suffix.exponent * 3) / 10) - 1;
  }
  if (precision < 0) return undefined;
  scale -= denom.length;
  if (scale < NANO_SCALE) return undefined;
  const digits = BigInt(num + denom);
  if (digits > INT64_MAX) return undefined;
  const product = digits * mantissa;
  if (product > INT64_MAX) return undefined;
  return { unscaled: parts.positive ? product : -product, scale };
}

/** ceil(n / 10^places) for n ≥ 0, without building 10^places when n is far smaller. */
function divideRoundingUp(n: bigint, places: number): bigint {
  if (n === 0n) return 0n;
  if (places > n.toString().length) return 1n;
  const divisor = 10n ** BigInt(places);
  return n % divisor === 0n ? n / divisor : n / divisor + 1n;
}

/**
 * The inf.Dec slow path: the exact value, rounded away from zero to a whole nano unit;
 * binary-SI values are also capped at int64 max (apimachinery's maxAllowed), decimal ones not.
 */
function parseSlow(parts: QuantityParts, suffix: Suffix): Quantity | undefined {
  // inf.Dec.SetString needs at least one digit ("+." is not a number).
  if (!/[0-9]/.test(parts.value)) return undefined;
  const digits = BigInt(parts.num + parts.denom);
  const sign = parts.positive ? 1n : -1n;
  if (suffix.base === 10) {
    const scale = suffix.exponent - parts.denom.length;
    if (scale >= NANO_SCALE) return { unscaled: sign * digits, scale };
    return { unscaled: sign * divideRoundingUp(digits, NANO_SCALE - scale), scale: NANO_SCALE };
  }
  const scaled = digits << BigInt(suffix.exponent);
  const shift = -NANO_SCALE - parts.denom.length;
  let nanos = shift >= 0 ? scaled * 10n ** BigInt(shift) : divideRoundingUp(scaled, -shift);
  if (nanos > MAX_ALLOWED_NANOS) nanos = MAX_ALLOWED_NANOS;
  return { unscaled: sign * nanos, scale: NANO_SCALE };
}

// A fleet's pods repeat a few amounts (100m, 64Mi) and every one is read twice (schema, then
// resources): a parse is BigInt arithmetic, a hit is one lookup. Quantities are immutable,
// so one object serves every reader; the map is emptied when full, so it never grows.
const parsed = new Map<string, Quantity | null>();
const PARSED_KEPT = 1024;

/** Parses a quantity string exactly as apimachinery's ParseQuantity; undefined if it would fail. */
export function parseQuantity(text: string): Quantity | undefined {
  const known = parsed.get(text);
  if (known !== undefined) return known ?? undefined;
  const quantity = parseUncached(text);
  if (quantity !== undefined) Object.freeze(quantity);
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(text, quantity ?? null);
  return quantity;
}

function parseUncached(text: string): Quantity | undefined {
  if (text.length === 0) return undefined;
  const parts = splitQuantity(text);
  if (parts === undefined) return undefined;
  const suffix = interpretSuffix(parts.suffix);
  if (suffix === undefined) return undefined;
  return parseFast(parts, suffix) ?? parseSlow(parts, suffix);
}

/**
 * A JSON value read as Quantity.UnmarshalJSON reads it: strings are trimmed, numbers are
 * taken by their text (`cpu: 1`, `memory: 0.5` are quantities), anything else is not one.
 */
export function parseQuantityValue(value: unknown): Quantity | undefined {
  if (typeof value === "string") return parseQuantity(value.trim());
  if (typeof value === "number" && Number.isFinite(value)) return parseQuantity(String(value));
  return undefined;
}

function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

/** Compares |a| and |b| for values of one sign. */
function compareMagnitudes(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const ua = a.unscaled < 0n ? -a.unscaled : a.unscaled;
  const ub = b.unscaled < 0n ? -b.unscaled : b.unscaled;
  // Order of magnitude first, so huge exponents (1e2000000000) never become huge bigints.
  const ma = digitCount(ua) + a.scale;
  const mb = digitCount(ub) + b.scale;
  if (ma !== mb) return ma < mb ? -1 : 1;
  const low = Math.min(a.scale, b.scale);
  const xa = ua * 10n ** BigInt(a.scale - low);
  const xb = ub * 10n ** BigInt(b.scale - low);
  return xa === xb ? 0 : xa < xb ? -1 : 1;
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (apimachinery's Quantity.Cmp). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const sa = a.unscaled === 0n ? 0 : a.unscaled < 0n ? -1 : 1;
  const sb = b.unscaled === 0n ? 0 : b.unscaled < 0n ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const magnitude = compareMagnitudes(a, b);
  if (magnitude === 0 || sa > 0) return magnitude;
  return magnitude === 1 ? -1 : 1;
}

/** The sign of a quantity: -1, 0 or 1 (the API server refuses negative resource amounts). */
export function signOfQuantity(q: Quantity): -1 | 0 | 1 {
  return q.unscaled === 0n ? 0 : q.unscaled < 0n ? -1 : 1;
}

/** Quantity.Value(): the value rounded up (away from zero) to an integer. */
export function integerValueOf(q: Quantity): bigint {
  if (q.scale >= 0) return q.scale > 40 ? q.unscaled * 10n ** 40n : q.unscaled * 10n ** BigInt(q.scale);
  const divisor = 10n ** BigInt(-q.scale);
  const whole = q.unscaled / divisor;
  return q.unscaled % divisor === 0n ? whole : q.unscaled > 0n ? whole + 1n : whole - 1n;
}

/**
 * SetDefaults_ResourceList rounds every amount of a resource list up to milli units
 * (`0.0001` cpu is `1m`): the kubelet compares the rounded values.
 */
export function roundUpToMilli(q: Quantity): Quantity {
  if (q.scale >= -3) return q;
  const divisor = 10n ** BigInt(-3 - q.scale);
  const whole = q.unscaled / divisor;
  // Away from zero, as inf.Dec's RoundUp: -0.0001 is -1m, still negative.
  const exact = q.unscaled % divisor === 0n;
  const up = exact ? whole : q.unscaled > 0n ? whole + 1n : whole - 1n;
  return { unscaled: up, scale: -3 };
}

/** A resource-list amount as the kubelet holds it after defaulting. */
export function parseResourceAmount(value: unknown): Quantity | undefined {
  const q = parseQuantityValue(value);
  return q && roundUpToMilli(q);
}
