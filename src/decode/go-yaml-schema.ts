// The YAML 1.1 schema as Go's sigs.k8s.io/yaml (goyaml v2) resolves plain scalars, which is
// how kubectl and the kubelet read a pod:
// - booleans yes/no/on/off/y/n, nulls and merge keys `<<` as in YAML 1.1;
// - integers through strconv.ParseInt(s, 0, 64) after dropping `_`: 0644 = 420, 0x1F, 0o17, 0b101;
// - floats by goyaml's own pattern, which takes `1e3` (YAML 1.1 proper wants a dot);
// - no sexagesimal (`12:30` stays a string: goyaml v2 dropped base 60 on purpose);
// - timestamps stay strings (goyaml v2 keeps them as text when decoding into interface{}).
// Binary, set, omap and pairs tags are left out: they have no JSON form in a pod.
import {
  NOT_RESOLVED,
  Schema,
  defineScalarTag,
  strTag,
  seqTag,
  mapTag,
  nullYaml11Tag,
  boolYaml11Tag,
  mergeTag,
} from "js-yaml";

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const GO_YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const NUMBER_FIRST_CHARS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "-", "+", "."];

/** strconv.ParseInt(s, 0, 64) and ParseUint's base-prefix rules, as a BigInt, or undefined. */
export function parseGoInteger(text: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const [, sign = "", digits = ""] = m;
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  const value = sign === "-" ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  if (sign === "" && value <= UINT64_MAX) return value;
  return undefined;
}

function resolveGoInt(source: string): number | typeof NOT_RESOLVED {
  const plain = source.replaceAll("_", "");
  const parsed = parseGoInteger(plain);
  return parsed === undefined ? NOT_RESOLVED : Number(parsed);
}

function resolveGoFloat(source: string): number | typeof NOT_RESOLVED {
  switch (source) {
    case ".inf": case ".Inf": case ".INF": case "+.inf": case "+.Inf": case "+.INF":
      return Number.POSITIVE_INFINITY;
    case "-.inf": case "-.Inf": case "-.INF":
      return Number.NEGATIVE_INFINITY;
    case ".nan": case ".NaN": case ".NAN":
      return Number.NaN;
  }
  const plain = source.replaceAll("_", "");
  if (GO_YAML_FLOAT.test(plain)) return Number.parseFloat(plain);
  return NOT_RESOLVED;
}

const goIntTag = defineScalarTag<number>("tag:yaml.org,2002:int", {
  implicit: true,
  implicitFirstChars: NUMBER_FIRST_CHARS,
  resolve: resolveGoInt,
  identify: (data) => typeof data === "number" && Number.isInteger(data),
});

const goFloatTag = defineScalarTag<number>("tag:yaml.org,2002:float", {
  implicit: true,
  implicitFirstChars: NUMBER_FIRST_CHARS,
  resolve: resolveGoFloat,
  identify: (data) => typeof data === "number" && !Number.isInteger(data),
});

export const GO_YAML_SCHEMA = new Schema([
  strTag, seqTag, mapTag, nullYaml11Tag, boolYaml11Tag, goIntTag, goFloatTag, mergeTag,
]);
