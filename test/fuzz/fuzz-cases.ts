// The fuzz cases for decode + validate, shared by the vitest run (thousands of cases) and
// `npm run soak` (a million): mutated valid pods, random bytes and random YAML-ish text must
// never throw, every rejection must say where (a field, a line, a document), and every pod
// accepted must render to YAML that reads back to the same pod (plus the marker).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { dump, load } from "js-yaml";
import type { V1Pod } from "@kubernetes/client-node";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { GO_YAML_SCHEMA } from "../../src/decode/go-yaml-schema.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { validateInputs } from "../../src/validate/validate-inputs.js";

const NODE = "n".repeat(63);
const VALID_DIR = join("test", "fixtures", "valid");

function loadSeeds(): unknown[] {
  return [
    ...readdirSync(VALID_DIR).filter((f) => f.endsWith(".yaml")).map((f) => join(VALID_DIR, f)),
    "examples/nginx.yaml",
    "examples/pods.yaml",
  ].flatMap((file) => {
    const decoded = decodePayload(readFileSync(file), { source: file });
    return decoded.kind === "documents" ? decoded.documents.map((d) => d.value) : [];
  });
}

function fail(message: string): never {
  throw new Error(message);
}

/** One case: decode and validate `bytes`; throws when a rule of the fuzz is broken. */
export function checkBytes(bytes: Uint8Array): void {
  const result = validateInputs([{ source: "fuzz", decoded: decodePayload(bytes, { source: "fuzz" }) }], { nodeName: NODE });
  for (const doc of result.documents) {
    for (const error of doc.errors) {
      if (!(error.field !== "" || error.line !== undefined || error.type === "Decode error")) fail(`an error that says nowhere: ${JSON.stringify(error)}`);
      if (!Number.isInteger(error.origin.document)) fail(`an error without a document index: ${JSON.stringify(error)}`);
    }
  }
  if (!result.valid && !result.documents.some((d) => d.errors.length > 0)) fail("invalid without an error");
  for (const { pod } of result.pods) {
    const back = load(renderManifest(pod).content, { schema: GO_YAML_SCHEMA }) as V1Pod;
    const strip = (p: V1Pod): V1Pod => ({ ...p, metadata: { ...p.metadata, annotations: undefined } });
    // Key order may differ (rendering sorts keys): compare values, as toEqual does.
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(strip(back))), JSON.parse(JSON.stringify(strip(pod))))) {
      fail(`a pod that does not read back the same: ${JSON.stringify(pod).slice(0, 300)}`);
    }
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export interface Mutation { steps: number[]; op: "delete" | "insert" | "replace"; key: string; value: unknown }

/** Sets an own property, so that a key such as `__proto__` becomes a key of the pod, not its prototype. */
function setOwn(object: { [k: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

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
    else setOwn(parent, m.op === "insert" ? m.key : key, m.value as Json);
  }
  return root;
}

const mutation = fc.record({
  steps: fc.array(fc.nat(), { maxLength: 8 }),
  op: fc.constantFrom("delete", "insert", "replace") as fc.Arbitrary<Mutation["op"]>,
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("image", "name", "containers", "ports", "volumes", "<<", "yes", "__proto__", "constructor")),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom("", "-1", "0644", "yes", "a".repeat(300), "UPPER_case", "10Gi", "1e3", "/etc", "../x"),
    fc.integer({ min: -70000, max: 70000 }),
  ),
});

const YAMLISH = ["apiVersion: v1\n", "kind: Pod\n", "kind: List\n", "items:\n", "metadata:\n", "  name: x\n", "spec:\n",
  "  containers:\n", "  - name: c\n", "    image: i\n", "- ", "  ", "\t", ": ", "&a ", "*a", "<<: *a\n", "---\n", "[", "]",
  "{", "}", ",", "\"", "'", "# c\n", "yes", "0644", "~", "\n", "\r\n", "!!str ", "!!binary ", "? ", "|\n", ">-\n", "\uFEFF", "é"];

/** The three fuzz properties, each to run with its own numRuns, and the case behind the first. */
export function fuzzProperties() {
  const seeds = loadSeeds();
  if (seeds.length === 0) throw new Error("fuzz: no seed pods");
  function checkMutated(seed: number, mutations: Mutation[], asJson: boolean): void {
    let pod = structuredClone(seeds[seed]) as Json;
    for (const m of mutations) pod = mutate(pod, m);
    checkBytes(new TextEncoder().encode(asJson ? JSON.stringify(pod) : dump(pod, { noRefs: true })));
  }
  return {
    checkMutated,
    mutatedPods: fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), checkMutated),
    randomBytes: fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => { checkBytes(bytes); }),
    yamlishText: fc.property(fc.array(fc.constantFrom(...YAMLISH), { maxLength: 80 }), (tokens) => {
      checkBytes(new TextEncoder().encode(tokens.join("")));
    }),
  };
}
