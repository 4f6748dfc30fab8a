// The policy's own rules as a table of pods × rules: each case is a policy, a pod, and the
// fields (with the rule that fired) it must flag; an empty list means the pod is admitted.
import { describe, expect, it } from "vitest";
import { compilePolicy } from "../../src/policy/check-policy.js";
import { compileRepositoryGlob, parseImageReference } from "../../src/policy/image-reference.js";
import type { Policy } from "../../src/policy/policy.js";

type Json = Record<string, unknown>;
const DIGEST = `sha256:${"b".repeat(64)}`;

function pod(spec: Json = {}, container: Json = {}): Json {
  return { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "nginx:1.27", ...container }], ...spec } };
}

const C = "spec.containers[0]";

interface Case { desc: string; policy: Policy; pod: Json; fields: Array<[field: string, rule: string]> }

const cases: Case[] = [
  { desc: "no rules admit anything", policy: {}, pod: pod({ hostNetwork: true }), fields: [] },
  // registries
  { desc: "registries: docker.io/library/* covers a bare name", policy: { registries: ["docker.io/library/*"] }, pod: pod(), fields: [] },
  { desc: "registries: another registry is refused", policy: { registries: ["docker.io/library/*"] }, pod: pod({}, { image: "evil.example/nginx:1" }), fields: [[`${C}.image`, "registries"]] },
  { desc: "registries: * stays in one segment", policy: { registries: ["gcr.io/proj/*"] }, pod: pod({}, { image: "gcr.io/proj/team/app:1" }), fields: [[`${C}.image`, "registries"]] },
  { desc: "registries: ** crosses segments", policy: { registries: ["gcr.io/proj/**"] }, pod: pod({}, { image: "gcr.io/proj/team/app:1" }), fields: [] },
  { desc: "registries: a lookalike host is refused", policy: { registries: ["gcr.io/**"] }, pod: pod({}, { image: "gcr.io.evil.example/app" }), fields: [[`${C}.image`, "registries"]] },
  { desc: "registries: init containers and image volumes too", policy: { registries: ["gcr.io/**"] },
    pod: pod({ initContainers: [{ name: "i", image: "quay.io/x/y" }], volumes: [{ name: "v", image: { reference: "quay.io/x/data" } }] }, { image: "gcr.io/a/b" }),
    fields: [["spec.initContainers[0].image", "registries"], ["spec.volumes[0].image.reference", "registries"]] },
  // requireDigest
  { desc: "requireDigest: a tag alone is refused", policy: { requireDigest: true }, pod: pod(), fields: [[`${C}.image`, "requireDigest"]] },
  { desc: "requireDigest: tag and digest is fine", policy: { requireDigest: true }, pod: pod({}, { image: `nginx:1.27@${DIGEST}` }), fields: [] },
  { desc: "requireDigest: a short digest is refused", policy: { requireDigest: true }, pod: pod({}, { image: "nginx@sha256:abc" }), fields: [[`${C}.image`, "requireDigest"]] },
  // hostPathPrefixes
  { desc: "hostPathPrefixes: under a prefix, read-only", policy: { hostPathPrefixes: [{ path: "/var/log", writable: false }] },
    pod: pod({ volumes: [{ name: "l", hostPath: { path: "/var/log/app" } }] }, { volumeMounts: [{ name: "l", mountPath: "/l", readOnly: true }] }), fields: [] },
  { desc: "hostPathPrefixes: a read-write mount of a read-only prefix", policy: { hostPathPrefixes: [{ path: "/var/log", writable: false }] },
    pod: pod({ volumes: [{ name: "l", hostPath: { path: "/var/log" } }] }, { volumeMounts: [{ name: "l", mountPath: "/l" }] }), fields: [[`${C}.volumeMounts[0].readOnly`, "hostPathPrefixes"]] },
  { desc: "hostPathPrefixes: a writable prefix allows read-write", policy: { hostPathPrefixes: [{ path: "/var/lib/app", writable: true }] },
    pod: pod({ volumes: [{ name: "d", hostPath: { path: "/var/lib/app/data" } }] }, { volumeMounts: [{ name: "d", mountPath: "/d" }] }), fields: [] },
  { desc: "hostPathPrefixes: /var/log does not cover /var/logs", policy: { hostPathPrefixes: [{ path: "/var/log", writable: true }] },
    pod: pod({ volumes: [{ name: "l", hostPath: { path: "/var/logs" } }] }), fields: [["spec.volumes[0].hostPath.path", "hostPathPrefixes"]] },
  { desc: "hostPathPrefixes: .. does not escape a prefix", policy: { hostPathPrefixes: [{ path: "/var/log", writable: true }] },
    pod: pod({ volumes: [{ name: "l", hostPath: { path: "/var/log/../../etc" } }] }), fields: [["spec.volumes[0].hostPath.path", "hostPathPrefixes"]] },
  // hostPorts
  { desc: "hostPorts: within a range", policy: { hostPorts: [{ from: 8000, to: 8100 }] }, pod: pod({}, { ports: [{ containerPort: 80, hostPort: 8080 }] }), fields: [] },
  { desc: "hostPorts: outside every range", policy: { hostPorts: [{ from: 80, to: 80 }] }, pod: pod({}, { ports: [{ containerPort: 80, hostPort: 81 }] }), fields: [[`${C}.ports[0].hostPort`, "hostPorts"]] },
  { desc: "hostPorts: under hostNetwork a containerPort is a host port", policy: { hostPorts: [{ from: 80, to: 80 }] },
    pod: pod({ hostNetwork: true }, { ports: [{ containerPort: 80 }, { containerPort: 9090 }] }), fields: [[`${C}.ports[1].hostPort`, "hostPorts"]] },
  { desc: "hostPorts: a containerPort alone is not a host port", policy: { hostPorts: [] }, pod: pod({}, { ports: [{ containerPort: 9090 }] }), fields: [] },
  // capabilities
  { desc: "capabilities: listed ones, with or without CAP_", policy: { capabilities: ["NET_ADMIN"] },
    pod: pod({}, { securityContext: { capabilities: { add: ["NET_ADMIN", "CAP_NET_ADMIN", "SYS_ADMIN"] } } }), fields: [[`${C}.securityContext.capabilities.add[2]`, "capabilities"]] },
  { desc: "capabilities: an empty list allows none", policy: { capabilities: [] },
    pod: pod({}, { securityContext: { capabilities: { add: ["CHOWN"] } } }), fields: [[`${C}.securityContext.capabilities.add[0]`, "capabilities"]] },
  // requireLimits
  { desc: "requireLimits: both missing", policy: { requireLimits: ["cpu", "memory"] }, pod: pod(),
    fields: [[`${C}.resources.limits[cpu]`, "requireLimits"], [`${C}.resources.limits[memory]`, "requireLimits"]] },
  { desc: "requireLimits: container limits", policy: { requireLimits: ["cpu", "memory"] }, pod: pod({}, { resources: { limits: { cpu: "1", memory: "1Gi" } } }), fields: [] },
  { desc: "requireLimits: pod-level limits cover every container", policy: { requireLimits: ["memory"] },
    pod: pod({ resources: { limits: { memory: "1Gi" } }, initContainers: [{ name: "i", image: "x" }] }), fields: [] },
  { desc: "requireLimits: init containers too", policy: { requireLimits: ["memory"] },
    pod: pod({ initContainers: [{ name: "i", image: "x" }] }, { resources: { limits: { memory: "1Gi" } } }), fields: [["spec.initContainers[0].resources.limits[memory]", "requireLimits"]] },
  // Rules add up: a local allow-list never loosens podSecurity.
  { desc: "hostPathPrefixes does not exempt a hostPath from podSecurity baseline", policy: { podSecurity: "baseline", hostPathPrefixes: [{ path: "/var/log", writable: true }] },
    pod: pod({ volumes: [{ name: "l", hostPath: { path: "/var/log" } }] }), fields: [["spec.volumes[0].hostPath", "podSecurity.hostPathVolumes"]] },
];

describe("policy rules beyond the Pod Security Standards", () => {
  it.each(cases)("$desc", ({ policy, pod: value, fields }) => {
    const errors = compilePolicy(policy)(value);
    expect(errors.map((e) => [e.field, e.type, e.rule]).sort()).toEqual(fields.map(([field, rule]) => [field, "Forbidden", `policy.${rule}`]).sort());
    for (const e of errors) expect(e.detail).toMatch(/^policy [a-zA-Z]+[: ]/);
  });
});

describe("parseImageReference", () => {
  it.each([
    { image: "nginx", repository: "docker.io/library/nginx" },
    { image: "nginx:1.27", repository: "docker.io/library/nginx", tag: "1.27" },
    { image: "library/nginx", repository: "docker.io/library/nginx" },
    { image: "index.docker.io/library/nginx", repository: "docker.io/library/nginx" },
    { image: "localhost:5000/app:v1", repository: "localhost:5000/app", tag: "v1" },
    { image: "localhost/app", repository: "localhost/app" },
    { image: "user/app", repository: "docker.io/user/app" },
    { image: `gcr.io/p/a@${DIGEST}`, repository: "gcr.io/p/a", digest: DIGEST },
    { image: "GCR.io/p/a", repository: "gcr.io/p/a" },
  ])("$image → $repository", ({ image, ...expected }) => {
    expect(parseImageReference(image)).toEqual(expected);
  });
  it.each(["", "UPPER/case", "a//b", "nginx@sha256:xyz", "nginx:bad tag"])("refuses %j", (image) => {
    expect(parseImageReference(image)).toBeUndefined();
  });
  it("globs: * within a segment, ** across, ? one character", () => {
    expect(compileRepositoryGlob("gcr.io/*/app").test("gcr.io/p/app")).toBe(true);
    expect(compileRepositoryGlob("gcr.io/*/app").test("gcr.io/p/q/app")).toBe(false);
    expect(compileRepositoryGlob("gcr.io/**/app").test("gcr.io/p/q/app")).toBe(true);
    expect(compileRepositoryGlob("gcr.io/ap?").test("gcr.io/app")).toBe(true);
    expect(compileRepositoryGlob("gcr.io/app").test("gcrxio/app")).toBe(false);
  });
});
