// The 230 real pods of the shared corpus, mutated one field at a time: every mutation rower
// accepts must render to a manifest that kubectl 1.32 (goyaml v2, as the kubelet reads files)
// parses back to exactly the accepted pod plus rower's marker. Deterministic per seed, printed
// so a failure can be replayed with FUZZ_SEED=…; one kubectl call for the whole batch.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { MANAGED_ANNOTATION } from "../../src/naming/manifest-naming.js";
import { validateDocuments } from "../../src/validate/validate-documents.js";
import { kubectlOfflineUnavailable, readWithKubectl } from "../support/kubectl-offline.js";

const CORPUS = join("..", "shared", "corpus", "kubernetes-examples");
const NODE = "n".repeat(63);
// kubectl takes about 0.1 s per object: 200 mutations (~70 accepted) keep the run near 10 s.
const MUTATIONS = 200;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);

// Strings a YAML 1.1 reader would take for something else, or that need quoting or escapes.
const TRICKY = [
  "yes", "No", "on", "OFF", "y", "n", "~", "null", "true", "0644", "0o17", "0x1F", "1e3", "1_000", "12:30", "2024-01-01",
  ".inf", "-.Inf", ".nan", "<<", "=", "-", "- a", ": b", "a: b", "#c", "a #c", "[a]", "{a: b}", "*x", "&x", "!tag", "|", ">",
  "'", "\"", "\\", " lead", "trail ", "a\tb", "a\nb", "a\n", "\n", "é", "日本", "\u2028", "%x", "@x", "`x", "", "0", "-0", "+1", ".5",
  "0B101", "0X1F", "0O17", "-0B1",
];

type Key = string | number;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function leaves(value: Json, prefix: Key[] = []): Key[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...prefix, i]));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, [...prefix, k]));
  return [prefix];
}

function setAt(root: Json, path: Key[], value: Json): Json {
  const copy = structuredClone(root);
  let node = copy as Record<Key, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<Key, Json>;
  node[path.at(-1) as Key] = value;
  return copy;
}

function replacementFor(original: Json, pick: number, text: string): Json {
  if (typeof original === "boolean") return !original;
  if (typeof original === "number") return [0, 1, -1, 80, 420, 2 ** 31 - 1, 65536][pick % 7] as number;
  return pick % 3 === 0 ? text : (TRICKY[pick % TRICKY.length] as string);
}

function withMarker(pod: Record<string, Json>): Record<string, Json> {
  const metadata = (pod["metadata"] ?? {}) as Record<string, Json>;
  const annotations = (metadata["annotations"] ?? {}) as Record<string, Json>;
  return { ...pod, metadata: { ...metadata, annotations: { ...annotations, [MANAGED_ANNOTATION]: "true" } } };
}

/** kubectl fills in "default" for an empty or absent namespace; compare without it. */
function withoutDefaultNamespace(value: unknown): unknown {
  const pod = value as { metadata?: Record<string, unknown> };
  if (pod.metadata?.["namespace"] !== "default" && pod.metadata?.["namespace"] !== "") return value;
  const { namespace: _dropped, ...metadata } = pod.metadata;
  return { ...pod, metadata };
}

/** The corpus pods a static kubelet runs: the seeds mutations start from. */
function acceptedCorpusPods(): Json[] {
  return readdirSync(CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().flatMap((f) => {
    const decoded = decodePayload(readFileSync(join(CORPUS, f)), { source: f });
    if (decoded.kind !== "documents") return [];
    return validateDocuments(decoded.documents, { nodeName: NODE }).valid ? decoded.documents.map((d) => d.value as Json) : [];
  });
}

const unavailable = !existsSync(CORPUS) ? `${CORPUS} is absent` : kubectlOfflineUnavailable();
if (unavailable) console.warn(`skipping the corpus render fuzz: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("mutated corpus pods render to what kubectl reads back", () => {
  it(`holds for ${MUTATIONS} one-field mutations (seed ${SEED})`, { timeout: 180_000 }, async () => {
    console.log(`corpus render fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
    const seeds = acceptedCorpusPods();
    expect(seeds.length).toBeGreaterThan(50);
    const picks = fc.sample(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.string({ maxLength: 12 })), { seed: SEED, numRuns: MUTATIONS });
    const accepted: Json[] = [];
    for (const [podPick, leafPick, valuePick, text] of picks) {
      const pod = seeds[podPick % seeds.length] as Json;
      const paths = leaves(pod);
      const path = paths[leafPick % paths.length] as Key[];
      let original: Json = pod;
      for (const key of path) original = (original as Record<Key, Json>)[key] as Json;
      const mutated = setAt(pod, path, replacementFor(original, valuePick, text));
      const decoded = decodePayload(new TextEncoder().encode(JSON.stringify(mutated)), { source: "fuzz" });
      if (decoded.kind !== "documents") continue;
      if (validateDocuments(decoded.documents, { nodeName: NODE }).valid) accepted.push(decoded.documents[0]?.value as Json);
    }
    // Most single-field mutations keep the pod valid; a run that accepts few would prove little.
    expect(accepted.length).toBeGreaterThan(MUTATIONS / 4);
    const dir = await mkdtemp(join(tmpdir(), "rower-corpus-fuzz-"));
    try {
      const file = join(dir, "rendered.yaml");
      await writeFile(file, accepted.map((pod) => renderManifest(pod as V1Pod).content).join("---\n"));
      const started = Date.now();
      const { objects, output } = await readWithKubectl(file);
      console.log(`corpus render fuzz: ${accepted.length} of ${MUTATIONS} mutations accepted; kubectl read them in ${Date.now() - started} ms`);
      expect(objects, output).toBeDefined();
      expect(objects?.map(withoutDefaultNamespace)).toEqual(accepted.map((pod) => withoutDefaultNamespace(withMarker(pod as Record<string, Json>))));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
