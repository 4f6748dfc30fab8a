// 230 real pods from the Kubernetes documentation and repositories (origins in SOURCES.tsv).
// Every one passes schema and semantic validation; the ones that reference API objects are refused by
// the static-pod rules alone, and the errors name exactly the fields holding a reference,
// as found by an independent scan of the document's keys.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { checkSchema } from "../../src/validate/schema/check-schema.js";
import { checkPodSemantics } from "../../src/validate/semantics/check-pod.js";
import { checkStaticPodRules } from "../../src/validate/static-pod/check-static-pod.js";

const CORPUS = new URL("../../../shared/corpus/kubernetes-examples/", import.meta.url);
const present = existsSync(CORPUS);
const files = present ? readdirSync(CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f)).sort() : [];

// Keys whose presence (non-empty) means the pod names an object only an API server holds.
// `secret`/`configMap` only occur as volume or projection sources in a pod.
const REFERENCE_KEYS = new Set([
  "serviceAccountName", "serviceAccount", "imagePullSecrets", "resourceClaims",
  "secretKeyRef", "configMapKeyRef", "secretRef", "configMapRef", "secret", "configMap", "persistentVolumeClaim",
  "ephemeral", "csi", "glusterfs", "azureFile", "serviceAccountToken", "clusterTrustBundle", "podCertificate",
]);

/** Paths (`spec.volumes[0].secret`) of every reference key in the spec, not descending into one. */
function findReferences(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findReferences(v, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const at = `${path}.${k}`;
    const empty = v === null || v === "" || (Array.isArray(v) && v.length === 0);
    if (REFERENCE_KEYS.has(k)) return empty ? [] : [at];
    return findReferences(v, at);
  });
}

function readPod(file: string): V1Pod {
  const decoded = decodePayload(readFileSync(new URL(file, CORPUS)), { source: file });
  if (decoded.kind !== "documents" || decoded.documents.length !== 1) throw new Error(`${file} does not hold one document`);
  return decoded.documents[0]?.value as V1Pod;
}

describe.skipIf(!present)("the kubernetes-examples corpus", () => {
  it("holds the pods it should", () => {
    expect(files.length).toBeGreaterThanOrEqual(200);
  });

  it.each(files)("%s", (file) => {
    const pod = readPod(file);
    expect(checkSchema(pod)).toEqual([]);
    // ValidatePodCreate's own refusals (scheduling gates once the kubelet sets nodeName) aside.
    expect(checkPodSemantics(pod, { nodeName: "n".repeat(63) }).filter((e) => !e.rule.startsWith("pod.create."))).toEqual([]);
    const errs = checkStaticPodRules(pod);
    const spec = (pod as { spec?: unknown }).spec;
    expect(errs.map((e) => e.field).sort()).toEqual(findReferences(spec, "spec").sort());
    for (const e of errs) {
      expect(e.type).toBe("Forbidden");
      expect(e.rule).toMatch(/^staticPod\./);
    }
  });

  it("has both kinds: pods a static kubelet runs, and pods it refuses", () => {
    const refused = files.filter((f) => checkStaticPodRules(readPod(f)).length > 0).length;
    expect(refused).toBeGreaterThan(0);
    expect(files.length - refused).toBeGreaterThan(0);
  });
});
