// writeYaml's contract: what it writes, Go's goyaml v2 reads back to the same value. The
// oracle here is rower's Go-compatible schema (the kubectl fuzz checks the real goyaml).
import fc from "fast-check";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { GO_YAML_SCHEMA } from "../../src/decode/go-yaml-schema.js";
import { writeYaml } from "../../src/manifests/yaml-writer.js";

const readBack = (text: string): unknown => load(text, { schema: GO_YAML_SCHEMA });

// Strings YAML 1.1, YAML 1.2 or Go alone would retype; the last group only Go (strconv's
// upper-case base prefixes), which js-yaml's dump schema leaves plain.
const TRICKY = [
  "yes", "No", "on", "OFF", "y", "~", "null", "true", "0644", "0o17", "0x1F", "1e3", "1E3", "1_000", "12:30", "2024-01-01",
  ".inf", ".nan", "<<", "=", "", "0", "-0", "+1", ".5", "0888", "a: b", "#c", "a\nb",
  "0B101", "0X1F", "0O17", "-0B1", "+0X_1",
];

const scalar = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
// "__proto__" cannot be a key of a valid pod (label and annotation keys start alphanumeric,
// unknown fields are refused), and a JS object cannot hold it as an own key by assignment.
const key = fc.oneof(fc.constantFrom(...TRICKY), fc.string()).filter((k) => k !== "__proto__");
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(key, tie("value"), { maxKeys: 4 })),
})).value;

describe("writeYaml", () => {
  it("writes strings only Go retypes so that Go reads them back as strings, as keys and as values", () => {
    const value = { "0B101": "0B101", "0X1F": ["0X1F"], "0O17": { "-0B1": "+0X_1" } };
    const text = writeYaml(value);
    expect(readBack(text)).toEqual(value);
    expect(text).toContain('"0B101"');
  });

  it("leaves plain what no reader retypes", () => {
    expect(writeYaml({ name: "web", image: "nginx:1.27", port: 80, ready: true })).toBe("name: web\nimage: nginx:1.27\nport: 80\nready: true\n");
  });

  it("reads back to its input for any JSON value (property)", () => {
    fc.assert(fc.property(fc.dictionary(key, json, { maxKeys: 6 }), (value) => {
      expect(readBack(writeYaml(value))).toEqual(value);
    }), { numRuns: 2_000 });
  });
});
