// Every Pod Security Standards check rower claims, as a table of pods: each case names the
// check (upstream ID), the level it runs at, and the fields it must flag, or none for the
// pods the standard admits (the exemptions upstream makes: user namespaces, Windows pods,
// pod-level settings that cover every container). Upstream: kubernetes/pod-security-admission
// v0.36.2, policy version 1.35.
import { describe, expect, it } from "vitest";
import { compilePolicy } from "../../src/policy/check-policy.js";
import { BASELINE_CHECKS } from "../../src/policy/pod-security-baseline.js";
import { RESTRICTED_CHECKS } from "../../src/policy/pod-security-restricted.js";
import type { PodSecurityLevel } from "../../src/policy/policy.js";

type Json = Record<string, unknown>;

/** A pod every level admits; `spec` and `container` patch it. */
function pod(spec: Json = {}, container: Json = {}, metadata: Json = {}): Json {
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: { name: "p", ...metadata },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{
        name: "c", image: "registry.example/app@sha256:" + "a".repeat(64),
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        ...container,
      }],
      ...spec,
    },
  };
}

const C = "spec.containers[0]";
const SC = `${C}.securityContext`;

interface Case { desc: string; level: PodSecurityLevel; pod: Json; fields: Array<[field: string, check: string]> }

const cases: Case[] = [
  // The compliant pod passes both levels; privileged checks nothing.
  { desc: "compliant pod, baseline", level: "baseline", pod: pod(), fields: [] },
  { desc: "compliant pod, restricted", level: "restricted", pod: pod(), fields: [] },
  { desc: "privileged level checks nothing", level: "privileged", pod: pod({ hostNetwork: true }, { securityContext: { privileged: true } }), fields: [] },

  // Baseline checks.
  { desc: "windowsHostProcess: pod and container", level: "baseline",
    pod: pod({ securityContext: { windowsOptions: { hostProcess: true } } }, { securityContext: { windowsOptions: { hostProcess: true } } }),
    fields: [["spec.securityContext.windowsOptions.hostProcess", "windowsHostProcess"], [`${SC}.windowsOptions.hostProcess`, "windowsHostProcess"]] },
  { desc: "windowsHostProcess: false is fine", level: "baseline", pod: pod({}, { securityContext: { windowsOptions: { hostProcess: false } } }), fields: [] },
  { desc: "hostNamespaces: hostNetwork, hostPID, hostIPC", level: "baseline", pod: pod({ hostNetwork: true, hostPID: true, hostIPC: true }),
    fields: [["spec.hostNetwork", "hostNamespaces"], ["spec.hostPID", "hostNamespaces"], ["spec.hostIPC", "hostNamespaces"]] },
  { desc: "hostNamespaces: false is fine", level: "baseline", pod: pod({ hostNetwork: false, hostPID: false }), fields: [] },
  { desc: "hostNetwork makes a containerPort a hostPort (the pod is defaulted first, as admission sees it)", level: "baseline", pod: pod({ hostNetwork: true }, { ports: [{ containerPort: 80 }] }),
    fields: [["spec.hostNetwork", "hostNamespaces"], [`${C}.ports[0].hostPort`, "hostPorts"]] },
  { desc: "privileged", level: "baseline", pod: pod({}, { securityContext: { privileged: true } }), fields: [[`${SC}.privileged`, "privileged"]] },
  { desc: "privileged: in an init container", level: "baseline",
    pod: pod({ initContainers: [{ name: "i", image: "x", securityContext: { privileged: true } }] }), fields: [["spec.initContainers[0].securityContext.privileged", "privileged"]] },
  { desc: "capabilities_baseline: NET_RAW and SYS_ADMIN, not CHOWN", level: "baseline",
    pod: pod({}, { securityContext: { capabilities: { add: ["CHOWN", "NET_RAW", "SYS_ADMIN"] } } }),
    fields: [[`${SC}.capabilities.add[1]`, "capabilities_baseline"], [`${SC}.capabilities.add[2]`, "capabilities_baseline"]] },
  { desc: "capabilities_baseline: all thirteen defaults", level: "baseline",
    pod: pod({}, { securityContext: { capabilities: { add: ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"] } } }), fields: [] },
  { desc: "hostPathVolumes", level: "baseline", pod: pod({ volumes: [{ name: "e", emptyDir: {} }, { name: "h", hostPath: { path: "/etc" } }] }),
    fields: [["spec.volumes[1].hostPath", "hostPathVolumes"]] },
  { desc: "hostPorts: non-zero only", level: "baseline", pod: pod({}, { ports: [{ containerPort: 80, hostPort: 0 }, { containerPort: 81, hostPort: 8081 }] }),
    fields: [[`${C}.ports[1].hostPort`, "hostPorts"]] },
  { desc: "appArmorProfile: Unconfined field, pod and container", level: "baseline",
    pod: pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, appArmorProfile: { type: "Unconfined" } } }, { securityContext: { appArmorProfile: { type: "Unconfined" } } }),
    fields: [["spec.securityContext.appArmorProfile.type", "appArmorProfile"], [`${SC}.appArmorProfile.type`, "appArmorProfile"]] },
  { desc: "appArmorProfile: RuntimeDefault and Localhost are fine", level: "baseline",
    pod: pod({}, { securityContext: { appArmorProfile: { type: "Localhost", localhostProfile: "p" } } }), fields: [] },
  { desc: "appArmorProfile: the deprecated annotation", level: "baseline",
    pod: pod({}, {}, { annotations: { "container.apparmor.security.beta.kubernetes.io/c": "unconfined", "container.apparmor.security.beta.kubernetes.io/d": "localhost/x" } }),
    fields: [["metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]", "appArmorProfile"]] },
  { desc: "seLinuxOptions: a custom type, a user, a role", level: "baseline",
    pod: pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, seLinuxOptions: { type: "spc_t" } } }, { securityContext: { seLinuxOptions: { user: "u", role: "r" } } }),
    fields: [["spec.securityContext.seLinuxOptions.type", "seLinuxOptions"], [`${SC}.seLinuxOptions.user`, "seLinuxOptions"], [`${SC}.seLinuxOptions.role`, "seLinuxOptions"]] },
  { desc: "seLinuxOptions: container_engine_t (policy 1.31) and a level are fine", level: "baseline",
    pod: pod({}, { securityContext: { seLinuxOptions: { type: "container_engine_t", level: "s0:c1" } } }), fields: [] },
  { desc: "procMount: Unmasked", level: "baseline", pod: pod({}, { securityContext: { procMount: "Unmasked" } }), fields: [[`${SC}.procMount`, "procMount"]] },
  { desc: "procMount: Unmasked in a user namespace is fine at baseline (policy 1.35)", level: "baseline",
    pod: pod({ hostUsers: false }, { securityContext: { procMount: "Unmasked" } }), fields: [] },
  { desc: "seccompProfile_baseline: Unconfined, pod and container", level: "baseline",
    pod: pod({ securityContext: { seccompProfile: { type: "Unconfined" } } }, { securityContext: { seccompProfile: { type: "Unconfined" } } }),
    fields: [["spec.securityContext.seccompProfile.type", "seccompProfile_baseline"], [`${SC}.seccompProfile.type`, "seccompProfile_baseline"]] },
  { desc: "seccompProfile_baseline: unset is fine", level: "baseline", pod: pod({ securityContext: {} }), fields: [] },
  { desc: "sysctls: the safe list (policy 1.32) and one unsafe", level: "baseline",
    pod: pod({ securityContext: { sysctls: [{ name: "net.ipv4.tcp_rmem", value: "1" }, { name: "kernel.msgmax", value: "1" }, { name: "net.ipv4.ip_local_reserved_ports", value: "1" }] } }),
    fields: [["spec.securityContext.sysctls[1].name", "sysctls"]] },
  { desc: "hostProbesAndHostLifecycle: probe and hook hosts", level: "baseline",
    pod: pod({}, { livenessProbe: { httpGet: { host: "10.0.0.1", port: 80 } }, startupProbe: { tcpSocket: { host: "", port: 80 } }, lifecycle: { preStop: { httpGet: { host: "example.com", port: 80 } } } }),
    fields: [[`${C}.livenessProbe.httpGet.host`, "hostProbesAndHostLifecycle"], [`${C}.lifecycle.preStop.httpGet.host`, "hostProbesAndHostLifecycle"]] },

  // Restricted checks, and the Baseline checks they override.
  { desc: "restrictedVolumes (overrides hostPathVolumes)", level: "restricted",
    pod: pod({ volumes: [{ name: "e", emptyDir: {} }, { name: "h", hostPath: { path: "/etc" } }, { name: "n", nfs: { server: "s", path: "/" } }, { name: "i", image: { reference: "x" } }] }),
    fields: [["spec.volumes[1].hostPath", "restrictedVolumes"], ["spec.volumes[2].nfs", "restrictedVolumes"]] },
  { desc: "allowPrivilegeEscalation: unset and true", level: "restricted",
    pod: pod({ initContainers: [{ name: "i", image: "x", securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ["ALL"] } } }] }, { securityContext: { capabilities: { drop: ["ALL"] } } }),
    fields: [["spec.initContainers[0].securityContext.allowPrivilegeEscalation", "allowPrivilegeEscalation"], [`${SC}.allowPrivilegeEscalation`, "allowPrivilegeEscalation"]] },
  { desc: "runAsNonRoot: container false, and unset with the pod unset", level: "restricted",
    pod: pod({ securityContext: { seccompProfile: { type: "RuntimeDefault" } }, initContainers: [{ name: "i", image: "x", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: false } }] }),
    fields: [["spec.initContainers[0].securityContext.runAsNonRoot", "runAsNonRoot"], [`${SC}.runAsNonRoot`, "runAsNonRoot"]] },
  { desc: "runAsNonRoot: pod false", level: "restricted",
    pod: pod({ securityContext: { runAsNonRoot: false, seccompProfile: { type: "RuntimeDefault" } } }, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true } }),
    fields: [["spec.securityContext.runAsNonRoot", "runAsNonRoot"]] },
  { desc: "runAsUser: 0 at pod and container", level: "restricted",
    pod: pod({ securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } } }, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsUser: 0 } }),
    fields: [["spec.securityContext.runAsUser", "runAsUser"], [`${SC}.runAsUser`, "runAsUser"]] },
  { desc: "runAsNonRoot and runAsUser relax in a user namespace (policy 1.35)", level: "restricted",
    pod: pod({ hostUsers: false, securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } } }), fields: [] },
  { desc: "seccompProfile_restricted (overrides seccompProfile_baseline): unset everywhere, and Unconfined", level: "restricted",
    pod: pod({ securityContext: { runAsNonRoot: true }, initContainers: [{ name: "i", image: "x", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "Unconfined" } } }] }),
    fields: [["spec.initContainers[0].securityContext.seccompProfile.type", "seccompProfile_restricted"], [`${SC}.seccompProfile`, "seccompProfile_restricted"]] },
  { desc: "seccompProfile_restricted: set per container is fine", level: "restricted",
    pod: pod({ securityContext: { runAsNonRoot: true } }, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "Localhost", localhostProfile: "p" } } }), fields: [] },
  { desc: "capabilities_restricted (overrides capabilities_baseline): no drop ALL, and adds", level: "restricted",
    pod: pod({}, { securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ["NET_BIND_SERVICE", "CHOWN"] } } }),
    fields: [[`${SC}.capabilities.drop`, "capabilities_restricted"], [`${SC}.capabilities.add[1]`, "capabilities_restricted"]] },
  { desc: "procMount_restricted (overrides procMount): Unmasked even in a user namespace", level: "restricted",
    pod: pod({ hostUsers: false }, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, procMount: "Unmasked" } }),
    fields: [[`${SC}.procMount`, "procMount_restricted"]] },
  { desc: "Windows pods are exempt from the Linux-only restricted checks (policy 1.25)", level: "restricted",
    pod: { metadata: { name: "w" }, spec: { os: { name: "windows" }, securityContext: { runAsNonRoot: true }, containers: [{ name: "c", image: "x" }] } }, fields: [] },
  { desc: "restricted still runs every Baseline check it does not override", level: "restricted", pod: pod({ hostPID: true }, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, privileged: true } }),
    fields: [["spec.hostPID", "hostNamespaces"], [`${SC}.privileged`, "privileged"]] },
];

describe("podSecurity: every check of the Pod Security Standards", () => {
  it.each(cases)("$level: $desc", ({ level, pod: value, fields }) => {
    const errors = compilePolicy({ podSecurity: level })(value);
    const found = errors.map((e) => [e.field, e.type, e.rule]).sort();
    expect(found).toEqual(fields.map(([field, check]) => [field, "Forbidden", `policy.podSecurity.${check}`]).sort());
    for (const e of errors) expect(e.detail).toMatch(new RegExp(`^policy podSecurity \\(${level}, check `));
  });

  it("claims exactly upstream's check IDs at each level", () => {
    expect(BASELINE_CHECKS.map((c) => c.id).sort()).toEqual([
      "appArmorProfile", "capabilities_baseline", "hostNamespaces", "hostPathVolumes", "hostPorts", "hostProbesAndHostLifecycle",
      "privileged", "procMount", "sysctls", "seLinuxOptions", "seccompProfile_baseline", "windowsHostProcess",
    ].sort());
    expect(RESTRICTED_CHECKS.map((c) => c.id).sort()).toEqual([
      "allowPrivilegeEscalation", "appArmorProfile", "capabilities_restricted", "hostNamespaces", "hostPorts", "hostProbesAndHostLifecycle",
      "privileged", "procMount_restricted", "restrictedVolumes", "runAsNonRoot", "runAsUser", "sysctls", "seLinuxOptions", "seccompProfile_restricted",
      "windowsHostProcess",
    ].sort());
  });

  it("every claimed check has a case that makes it fire", () => {
    const fired = new Set(cases.flatMap((c) => c.fields.map(([, check]) => check)));
    for (const check of new Set([...BASELINE_CHECKS, ...RESTRICTED_CHECKS].map((c) => c.id))) expect(fired, check).toContain(check);
  });
});
