// A pod rower writes must read back, through kubectl's own YAML parser (goyaml v2), to
// exactly what the user's input meant, plus the marker annotation. kubectl runs offline
// against ../shared/tools/kubectl-offline; without kubectl or that folder the test skips.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { MANAGED_ANNOTATION } from "../../src/naming/manifest-naming.js";

const KUBECTL_STRICT = join("..", "shared", "tools", "kubectl-offline", "kubectl-strict.sh");
const VALID_DIR = join("test", "fixtures", "valid");
/** Only to fail a hung kubectl: each call takes ~0.5 s, more on a loaded machine. */
const KUBECTL_TIMEOUT_MS = 120_000;
const fixtures = [
  ...(existsSync(VALID_DIR) ? readdirSync(VALID_DIR).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(VALID_DIR, f)) : []),
  join("test", "fixtures", "render", "tricky-strings.yaml"),
  // Four real pods (kubernetes docs), when the shared corpus is beside the repo.
  ...[join("..", "shared", "corpus", "multi-doc-4-real-pods.yaml")].filter((f) => existsSync(f)),
];

function kubectlMissing(): string | undefined {
  if (!existsSync(KUBECTL_STRICT)) return `${KUBECTL_STRICT} is absent`;
  if (spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status !== 0) return "kubectl is not installed";
  return undefined;
}
const missing = kubectlMissing();
if (missing) console.warn(`skipping the kubectl round-trip test: ${missing}`);

/** kubectl's parse of a one-pod file, as JSON. */
function kubectlRead(file: string): Record<string, unknown> {
  const out = execFileSync(KUBECTL_STRICT, [file], { encoding: "utf8", env: { ...process.env, KUBECTL_OFFLINE_OUTPUT: "json" } });
  const [verdict, ...rest] = out.split("\n");
  expect(verdict, `kubectl rejected ${file}: ${rest.join("\n")}`).toBe("VALID");
  return JSON.parse(rest.join("\n")) as Record<string, unknown>;
}

function withMarker(pod: Record<string, unknown>): Record<string, unknown> {
  const metadata = (pod.metadata ?? {}) as Record<string, unknown>;
  const annotations = (metadata.annotations ?? {}) as Record<string, unknown>;
  return { ...pod, metadata: { ...metadata, annotations: { ...annotations, [MANAGED_ANNOTATION]: "true" } } };
}

describe.skipIf(missing !== undefined)("rendered manifests read back through kubectl", () => {
  let dir = "";
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "rower-render-")); });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  for (const fixture of fixtures) {
    it(fixture, { timeout: KUBECTL_TIMEOUT_MS }, async () => {
      const decoded = decodePayload(readFileSync(fixture), { source: fixture });
      if (decoded.kind !== "documents") throw new Error(`${fixture}: expected documents, got ${decoded.kind}`);
      for (const [i, doc] of decoded.documents.entries()) {
        const original = join(dir, `original-${i}.yaml`);
        const rendered = join(dir, `rendered-${i}.yaml`);
        // kubectl reads one document at a time here: give it the user's document alone, as JSON.
        await writeFile(original, JSON.stringify(doc.value));
        await writeFile(rendered, renderManifest(doc.value as V1Pod).content);
        expect(kubectlRead(rendered)).toEqual(withMarker(kubectlRead(original)));
      }
    });
  }

  it("the original YAML means what rower decoded", { timeout: KUBECTL_TIMEOUT_MS }, () => {
    const fixture = join("test", "fixtures", "render", "tricky-strings.yaml");
    const decoded = decodePayload(readFileSync(fixture), { source: fixture });
    if (decoded.kind !== "documents") throw new Error(`expected documents, got ${decoded.kind}`);
    expect(kubectlRead(fixture)).toEqual(decoded.documents[0]?.value);
  });
});
