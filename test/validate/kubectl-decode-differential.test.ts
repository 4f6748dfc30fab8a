// rower's decoder against kubectl 1.32's own reading (goyaml v2 through sigs.k8s.io/yaml, and
// its JSON stream reader) on every file under test/fixtures/decode/: the objects must be the
// same, value for value; a `refused-*` file must be refused by both.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { kubectlOfflineUnavailable, readWithKubectl } from "../support/kubectl-offline.js";

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/decode");
const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
const unavailable = kubectlOfflineUnavailable();
if (unavailable) console.warn(`skipping the kubectl decode differential: ${unavailable}`);

/** kubectl fills in the default namespace; rower leaves a pod as written. */
function withoutDefaultNamespace(value: unknown): unknown {
  const pod = value as { metadata?: Record<string, unknown> };
  if (pod.metadata?.["namespace"] !== "default") return value;
  const { namespace: _dropped, ...metadata } = pod.metadata;
  return { ...pod, metadata };
}

function readWithRower(file: string): unknown[] | undefined {
  const decoded = decodePayload(readFileSync(path.join(DIR, file)), { source: file });
  return decoded.kind === "documents" ? decoded.documents.map((d) => d.value) : undefined;
}

describe.skipIf(unavailable !== undefined)("rower's decoder reads like kubectl", () => {
  const kubectl = new Map<string, Awaited<ReturnType<typeof readWithKubectl>>>();
  beforeAll(async () => {
    // Two at a time, for CI's two cores; each call is about half a second.
    for (let i = 0; i < files.length; i += 2) {
      const batch = files.slice(i, i + 2);
      const results = await Promise.all(batch.map((f) => readWithKubectl(path.join(DIR, f))));
      batch.forEach((f, k) => kubectl.set(f, results[k] as Awaited<ReturnType<typeof readWithKubectl>>));
    }
  }, 120_000);

  it("has both kinds of case", () => {
    expect(files.filter((f) => f.startsWith("refused-")).length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => !f.startsWith("refused-")).length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)("%s", (file) => {
    const theirs = kubectl.get(file);
    const ours = readWithRower(file);
    if (file.startsWith("refused-")) {
      expect({ rower: ours === undefined, kubectl: theirs?.objects === undefined }, theirs?.output).toEqual({ rower: true, kubectl: true });
      return;
    }
    expect(theirs?.objects, theirs?.output).toBeDefined();
    expect(ours).toEqual(theirs?.objects?.map(withoutDefaultNamespace));
  });
});
