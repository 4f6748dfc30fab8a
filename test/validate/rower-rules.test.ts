import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { checkRowerRules } from "../../src/validate/rower-rules.js";

const MARKER = "rower.static/managed";
const podWith = (metadata: unknown) => ({ apiVersion: "v1", kind: "Pod", metadata, spec: { containers: [{ name: "a", image: "x" }] } }) as unknown as V1Pod;

describe("checkRowerRules", () => {
  const refused = [{ field: `metadata.annotations[${MARKER}]`, type: "Forbidden", rule: "rower.markerAnnotation" }];
  const cases: { desc: string; metadata: unknown; errors: { field: string; type: string; rule: string }[] }[] = [
    { desc: "no annotations", metadata: { name: "a" }, errors: [] },
    { desc: "other annotations", metadata: { name: "a", annotations: { "example.com/x": "false" } }, errors: [] },
    { desc: "the marker as rower writes it", metadata: { name: "a", annotations: { [MARKER]: "true" } }, errors: [] },
    { desc: "the marker set to false", metadata: { name: "a", annotations: { [MARKER]: "false" } }, errors: refused },
    { desc: "the marker empty", metadata: { name: "a", annotations: { [MARKER]: "" } }, errors: refused },
    { desc: "the marker as a YAML boolean", metadata: { name: "a", annotations: { [MARKER]: true } }, errors: refused },
    { desc: "the marker null", metadata: { name: "a", annotations: { [MARKER]: null } }, errors: refused },
    { desc: "annotations not a mapping", metadata: { name: "a", annotations: [MARKER] }, errors: [] },
    { desc: "metadata not a mapping", metadata: "a", errors: [] },
    { desc: "metadata null", metadata: null, errors: [] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      expect(checkRowerRules(podWith(c.metadata)).map((e) => ({ field: e.field, type: e.type, rule: e.rule }))).toEqual(c.errors);
    });
  }

  it("says why the key is reserved", () => {
    expect(checkRowerRules(podWith({ annotations: { [MARKER]: "no" } }))[0]?.detail)
      .toBe('reserved for rower, which sets it to "true" on the files it writes');
  });
});
