// Layer 3 (static-pod rules): each fixture that references an API object is refused with
// exactly the listed Forbidden errors, and nothing from the semantic layer.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { checkSchema } from "../../src/validate/schema/check-schema.js";
import { checkPodSemantics } from "../../src/validate/semantics/check-pod.js";
import { checkStaticPodRules } from "../../src/validate/static-pod/check-static-pod.js";
import { FIXTURES, readFixturePod, triples, type Case } from "./fixture-pod.js";



const STATIC: Case[] = [
  ["static-config-map-volume", [["spec.volumes[0].configMap", "Forbidden", "staticPod.configMapVolume"]]],
  ["static-csi-volume", [["spec.volumes[0].csi", "Forbidden", "staticPod.csiVolume"]]],
  ["static-env-from-config-map", [["spec.containers[0].envFrom[0].configMapRef", "Forbidden", "staticPod.envFromConfigMapRef"]]],
  ["static-image-pull-secrets", [["spec.imagePullSecrets", "Forbidden", "staticPod.imagePullSecrets"]]],
  ["static-init-env-secret", [["spec.initContainers[0].env[0].valueFrom.secretKeyRef", "Forbidden", "staticPod.envSecretKeyRef"]]],
  ["static-projected-token", [["spec.volumes[0].projected.sources[0].serviceAccountToken", "Forbidden", "staticPod.projectedServiceAccountToken"]]],
  ["static-pvc-volume", [["spec.volumes[0].persistentVolumeClaim", "Forbidden", "staticPod.persistentVolumeClaimVolume"]]],
  ["static-resource-claims", [["spec.resourceClaims", "Forbidden", "staticPod.resourceClaims"]]],
  ["static-secret-volume", [["spec.volumes[0].secret", "Forbidden", "staticPod.secretVolume"]]],
  ["static-service-account", [["spec.serviceAccountName", "Forbidden", "staticPod.serviceAccount"]]],
];

describe("checkStaticPodRules on fixtures", () => {
  it.each(STATIC)("%s", (file, expected) => {
    const pod = readFixturePod(`invalid/${file}.yaml`);
    const errs = checkStaticPodRules(pod);
    expect(triples(errs)).toEqual(expected);
    // Each reason says what is refused and why: no API server to read it from.
    for (const e of errs) expect(e.detail).toMatch(/^static pods (may not|do not) .+: .+/);
    expect(checkPodSemantics(pod, { nodeName: "node-1" })).toEqual([]);
    expect(checkSchema(pod)).toEqual([]);
  });

  it("covers every static-* fixture", () => {
    const files = readdirSync(new URL("invalid/", FIXTURES)).filter((f) => f.startsWith("static-")).map((f) => f.replace(/\.yaml$/, ""));
    expect(STATIC.map(([f]) => f).sort()).toEqual(files.sort());
  });
});

const pod = (spec: Record<string, unknown>): V1Pod =>
  ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "app", image: "busybox" }], ...spec } }) as V1Pod;

describe("references the kubelet would refuse", () => {
  const CASES: [desc: string, spec: Record<string, unknown>, expected: [string, string][]][] = [
    ["every reference at once, each on its own field", {
      serviceAccount: "legacy",
      initContainers: [{ name: "init", image: "busybox", envFrom: [{ secretRef: { name: "s" } }] }],
      containers: [{ name: "app", image: "busybox", env: [{ name: "K", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }] }],
      volumes: [
        { name: "a", ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: "b", glusterfs: { endpoints: "e", path: "p" } },
        { name: "c", azureFile: { secretName: "s", shareName: "x" } },
        { name: "d", cephfs: { monitors: ["m"], secretRef: { name: "s" } } },
        { name: "e", projected: { sources: [{ downwardAPI: { items: [] } }, { configMap: { name: "c" } }, { secret: { name: "s" } }, { clusterTrustBundle: { path: "b", signerName: "x" } }, { podCertificate: { signerName: "x", keyType: "ED25519", credentialBundlePath: "c" } }] } },
      ],
    }, [
      ["spec.serviceAccount", "staticPod.serviceAccount"],
      ["spec.initContainers[0].envFrom[0].secretRef", "staticPod.envFromSecretRef"],
      ["spec.containers[0].env[0].valueFrom.configMapKeyRef", "staticPod.envConfigMapKeyRef"],
      ["spec.volumes[0].ephemeral", "staticPod.ephemeralVolume"],
      ["spec.volumes[1].glusterfs", "staticPod.glusterfsVolume"],
      ["spec.volumes[2].azureFile", "staticPod.azureFileVolume"],
      ["spec.volumes[3].cephfs.secretRef", "staticPod.volumeSecretRef"],
      ["spec.volumes[4].projected.sources[1].configMap", "staticPod.projectedConfigMap"],
      ["spec.volumes[4].projected.sources[2].secret", "staticPod.projectedSecret"],
      ["spec.volumes[4].projected.sources[3].clusterTrustBundle", "staticPod.projectedClusterTrustBundle"],
      ["spec.volumes[4].projected.sources[4].podCertificate", "staticPod.projectedPodCertificate"],
    ]],
    ["allowed sources: hostPath, emptyDir, downwardAPI, image, projected downwardAPI, nfs", {
      volumes: [
        { name: "a", hostPath: { path: "/srv" } }, { name: "b", emptyDir: {} }, { name: "c", downwardAPI: { items: [] } },
        { name: "d", image: { reference: "busybox" } }, { name: "e", projected: { sources: [{ downwardAPI: { items: [] } }] } },
        { name: "f", nfs: { server: "nfs.example.com", path: "/export" } },
      ],
    }, []],
    ["empty names are not references (VisitPodSecretNames skips them)", {
      imagePullSecrets: [{}, { name: "" }],
      volumes: [{ name: "c", cephfs: { monitors: ["m"], secretRef: {} } }, { name: "r", rbd: { monitors: ["m"], image: "i", secretRef: { name: "" } } }],
    }, []],
    ["empty lists are not references", { imagePullSecrets: [], resourceClaims: [], ephemeralContainers: [], schedulingGates: [], serviceAccountName: "" }, []],
  ];
  it.each(CASES)("%s", (_desc, spec, expected) => {
    const errs = checkStaticPodRules(pod(spec));
    expect(errs.map((e) => [e.field, e.rule])).toEqual(expected);
    expect(errs.every((e) => e.type === "Forbidden")).toBe(true);
  });
});
