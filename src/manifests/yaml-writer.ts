// Writes a JSON value as block YAML that Go's goyaml v2 (kubectl, the kubelet) reads back to
// the same value: every string a YAML 1.1 reader would take for something else is quoted
// (`"yes"`, `"0644"`, `"12:30"`, `"2024-01-01"`, `"<<"`...). js-yaml's DUMP_SCHEMA quotes
// what YAML 1.1 or 1.2 would resolve; the result is then read back with rower's Go-compatible
// schema, and if anything differs the value is written with every string quoted instead.
import { isDeepStrictEqual } from "node:util";
import { DUMP_SCHEMA, dump, load } from "js-yaml";
import { GO_YAML_SCHEMA } from "../decode/go-yaml-schema.js";

function dumpYaml(value: unknown, forceQuotes: boolean): string {
  return dump(value, {
    schema: DUMP_SCHEMA,
    noRefs: true, // decoded merge keys may share objects: never emit anchors
    lineWidth: -1, // no folding: one value, one line, easy to diff
    quoteStyle: "double",
    forceQuotes,
  });
}

export function writeYaml(value: unknown): string {
  const text = dumpYaml(value, false);
  if (isDeepStrictEqual(load(text, { schema: GO_YAML_SCHEMA }), value)) return text;
  const quoted = dumpYaml(value, true);
  if (isDeepStrictEqual(load(quoted, { schema: GO_YAML_SCHEMA }), value)) return quoted;
  throw new Error("yaml-writer: output does not read back to its input");
}
