// Writes a JSON value as block YAML that Go's goyaml v2 (kubectl, the kubelet) reads back to
// the same value: every string a YAML 1.1, YAML 1.2 or Go reader would take for something
// else is quoted (`"yes"`, `"0644"`, `"12:30"`, `"2024-01-01"`, `"<<"`, `"0B101"`...), as a
// key or as a value. A number that is not a plain integer is read back with rower's
// Go-compatible schema before it is written.
import { DUMP_SCHEMA, Schema, defineScalarTag, dump, load, strTag, type ScalarTagDefinition } from "js-yaml";
import { GO_YAML_SCHEMA } from "../decode/go-yaml-schema.js";
import { isMapping } from "../guards/is-mapping.js";

// js-yaml writes a string plain only when the dump schema resolves its text back to a
// string. DUMP_SCHEMA knows YAML 1.1 and 1.2 but not goyaml's own forms (strconv's `0B101`,
// `0X1F`, `0O17`), so Go's resolvers are added under private tag names: they only ever
// resolve, never represent a value.
const goResolvers = GO_YAML_SCHEMA.tags
  .filter((tag): tag is ScalarTagDefinition => tag.nodeKind === "scalar" && tag.implicit && tag.tagName !== strTag.tagName)
  .map((tag) => defineScalarTag(`tag:rower,go-resolves:${tag.tagName}`, {
    implicit: true,
    implicitFirstChars: tag.implicitFirstChars,
    resolve: tag.resolve,
    identify: () => false,
  }));
const WRITE_SCHEMA = new Schema([...DUMP_SCHEMA.tags, ...goResolvers]);

/**
 * Integers are written as their digits. Other numbers go through js-yaml's float
 * representer (`5.e-324`, `-0.0`, `1.e+21`), whose text must mean the same number to goyaml:
 * checked one number at a time, as the text is the same wherever the number stands.
 */
function numberReadsBack(value: number): boolean {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return true;
  return Object.is(load(dump(value, { schema: WRITE_SCHEMA }), { schema: GO_YAML_SCHEMA }), value);
}

function firstUnreadableNumber(value: unknown): number | undefined {
  if (typeof value === "number") return numberReadsBack(value) ? undefined : value;
  const children = Array.isArray(value) ? value : isMapping(value) ? Object.values(value) : [];
  for (const child of children) {
    const found = firstUnreadableNumber(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function writeYaml(value: unknown): string {
  const unreadable = firstUnreadableNumber(value);
  if (unreadable !== undefined) throw new Error(`yaml-writer: goyaml would not read ${unreadable} back as written`);
  return dump(value, {
    schema: WRITE_SCHEMA,
    noRefs: true, // decoded merge keys may share objects: never emit anchors
    lineWidth: -1, // no folding: one value, one line, easy to diff
    quoteStyle: "double",
  });
}
