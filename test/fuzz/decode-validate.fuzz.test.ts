// Property-based fuzzing of decode + validate: mutated valid pods, random bytes and random
// YAML-ish text must never throw, and every rejection must say where (a field, a line, a document).
// Sizes are bounded, so no run can hang; run counts keep the file under ~20 s on 2 cores.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { dump, load } from "js-yaml";
import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { GO_YAML_SCHEMA } from "../../src/decode/go-yaml-schema.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { validateInputs } from "../../src/validate/validate-inputs.js";
import type { ValidationResult } from "../../src/validate/validation-result.js";

const NODE = "n".repeat(63);
/** Only to fail a hung run: a loaded 2-core CI machine may take several times the usual ~7 s. */
const FUZZ_TIMEOUT_MS = 180_000;
const VALID_DIR = join("test", "fixtures", "valid");
const seeds: unknown[] = [
  ...readdirSync(VALID_DIR).filter((f) => f.endsWith(".yaml")).map((f) => join(VALID_DIR, f)),
  "examples/nginx.yaml",
  "examples/pods.yaml",
].flatMap((file) => {
  const decoded = decodePayload(readFileSync(file), { source: file });
  return decoded.kind === "documents" ? decoded.documents.map((d) => d.value) : [];
});

function check(bytes: Uint8Array): ValidationResult {
  const result = validateInputs([{ source: "fuzz", decoded: decodePayload(bytes, { source: "fuzz" }) }], { nodeName: NODE });
  for (const doc of result.documents) {
    for (const error of doc.errors) {
      // Every error says where: a field path, or a line, or at least a document index.
      expect(error.field !== "" || error.line !== undefined || error.type === "Decode error", JSON.stringify(error)).toBe(true);
      expect(Number.isInteger(error.origin.document)).toBe(true);
    }
  }
  if (!result.valid) expect(result.documents.some((d) => d.errors.length > 0)).toBe(true);
  for (const { pod } of result.pods) {
    // A pod rower accepts renders to YAML that reads back to the same pod (plus the marker).
    const back = load(renderManifest(pod).content, { schema: GO_YAML_SCHEMA }) as V1Pod;
    expect({ ...back, metadata: { ...back.metadata, annotations: undefined } })
      .toEqual({ ...pod, metadata: { ...pod.metadata, annotations: undefined } });
  }
  return result;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Mutation { steps: number[]; op: "delete" | "insert" | "replace"; key: string; value: unknown }

/** Walks `steps` into the value (each step picks a child modulo the count) and mutates there. */
function mutate(root: Json, m: Mutation): Json {
  let parent: Json = root;
  for (const step of m.steps) {
    const children: Json[] = Array.isArray(parent) ? parent : parent && typeof parent === "object" ? Object.values(parent) : [];
    const next = children.length > 0 ? children[step % children.length] : undefined;
    if (next === undefined || next === null || typeof next !== "object") break;
    parent = next;
  }
  if (Array.isArray(parent)) {
    const i = parent.length === 0 ? 0 : (m.steps.at(-1) ?? 0) % parent.length;
    if (m.op === "delete") parent.splice(i, 1);
    else if (m.op === "insert") parent.splice(i, 0, m.value as Json);
    else parent[i] = m.value as Json;
  } else if (parent && typeof parent === "object") {
    const keys = Object.keys(parent);
    const key = keys.length === 0 ? m.key : keys[(m.steps.at(-1) ?? 0) % keys.length] ?? m.key;
    if (m.op === "delete") delete parent[key];
    else if (m.op === "insert") parent[m.key] = m.value as Json;
    else parent[key] = m.value as Json;
  }
  return root;
}

const mutation = fc.record({
  steps: fc.array(fc.nat(), { maxLength: 8 }),
  op: fc.constantFrom("delete", "insert", "replace") as fc.Arbitrary<Mutation["op"]>,
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("image", "name", "containers", "ports", "volumes", "<<", "yes")),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom("", "-1", "0644", "yes", "a".repeat(300), "UPPER_case", "10Gi", "1e3", "/etc", "../x"),
    fc.integer({ min: -70000, max: 70000 }),
  ),
});

const YAMLISH = ["apiVersion: v1\n", "kind: Pod\n", "kind: List\n", "items:\n", "metadata:\n", "  name: x\n", "spec:\n",
  "  containers:\n", "  - name: c\n", "    image: i\n", "- ", "  ", "\t", ": ", "&a ", "*a", "<<: *a\n", "---\n", "[", "]",
  "{", "}", ",", "\"", "'", "# c\n", "yes", "0644", "~", "\n", "\r\n", "!!str ", "!!binary ", "? ", "|\n", ">-\n", "\uFEFF", "é"];

describe("fuzzing decode + validate", () => {
  it("survives thousands of mutated valid pods", { timeout: FUZZ_TIMEOUT_MS }, () => {
    expect(seeds.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (seed, mutations, asJson) => {
        let pod = structuredClone(seeds[seed]) as Json;
        for (const m of mutations) pod = mutate(pod, m);
        const text = asJson ? JSON.stringify(pod) : dump(pod, { noRefs: true });
        check(new TextEncoder().encode(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("survives random bytes", { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => { check(bytes); }), { numRuns: 2000 });
  });

  it("survives random YAML-ish text", { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...YAMLISH), { maxLength: 80 }), (tokens) => { check(new TextEncoder().encode(tokens.join(""))); }),
      { numRuns: 3000 },
    );
  });
});
