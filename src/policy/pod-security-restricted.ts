// The Pod Security Standards, Restricted level: every Baseline check except those a Restricted
// check overrides, plus the Restricted checks, as kubernetes/pod-security-admission v0.36.2
// implements them at policy version 1.35 (see pod-security-baseline.ts for the reading rules).
import { arrayOf, recordOf } from "../validate/semantics/read-json.js";
import {
  BASELINE_CHECKS, SECCOMP_TYPES, inUserNamespace, unmaskedProcMounts, type PodSecurityCheck, type Violation,
} from "./pod-security-baseline.js";
import { child, describeContainer, type PodView } from "./pod-walk.js";

/** check_restrictedVolumes.go: the inline volume sources restricted allows. */
const RESTRICTED_VOLUME_SOURCES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"] as const;

/** Since policy 1.25 a pod declaring `spec.os.name: windows` is exempt from the Linux-only checks. */
function isWindowsPod(pod: PodView): boolean {
  return child(pod.spec, "os")?.["name"] === "windows";
}

const restrictedVolumes: PodSecurityCheck = {
  id: "restrictedVolumes",
  level: "restricted",
  overrides: ["hostPathVolumes"],
  check: (pod) => arrayOf(pod.spec["volumes"]).flatMap((item, i) => {
    const volume = recordOf(item);
    if (volume === undefined) return [];
    const sources = Object.keys(volume).filter((key) => key !== "name" && volume[key] !== undefined && volume[key] !== null);
    if (sources.some((source) => (RESTRICTED_VOLUME_SOURCES as readonly string[]).includes(source))) return [];
    const path = pod.specPath.child("volumes").index(i);
    const type = sources[0];
    return [{
      path: type === undefined ? path : path.child(type),
      detail: `restricted volume types: volume ${JSON.stringify(volume["name"] ?? "")} uses ${type === undefined ? "no volume source" : `restricted volume type ${JSON.stringify(type)}`}`,
    }];
  }),
};

const allowPrivilegeEscalation: PodSecurityCheck = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  check: (pod) => (isWindowsPod(pod) ? [] : pod.containers
    .filter((at) => child(at.container, "securityContext")?.["allowPrivilegeEscalation"] !== false)
    .map((at) => ({
      path: at.path.child("securityContext").child("allowPrivilegeEscalation"),
      detail: `allowPrivilegeEscalation != false: ${describeContainer(at)} must set securityContext.allowPrivilegeEscalation=false`,
    }))),
};

const runAsNonRoot: PodSecurityCheck = {
  id: "runAsNonRoot",
  level: "restricted",
  check: (pod) => {
    // Policy 1.35: a pod in a user namespace runs as root only inside it (runAsNonRoot1_35).
    if (inUserNamespace(pod)) return [];
    const out: Violation[] = [];
    const podValue = child(pod.spec, "securityContext")?.["runAsNonRoot"];
    if (podValue === false) {
      out.push({ path: pod.specPath.child("securityContext").child("runAsNonRoot"), detail: "runAsNonRoot != true: pod must not set securityContext.runAsNonRoot=false" });
    }
    for (const at of pod.containers) {
      const value = child(at.container, "securityContext")?.["runAsNonRoot"];
      const path = at.path.child("securityContext").child("runAsNonRoot");
      if (value === false) out.push({ path, detail: `runAsNonRoot != true: ${describeContainer(at)} must not set securityContext.runAsNonRoot=false` });
      else if ((value === undefined || value === null) && podValue !== true) {
        out.push({ path, detail: `runAsNonRoot != true: pod or ${describeContainer(at)} must set securityContext.runAsNonRoot=true` });
      }
    }
    return out;
  },
};

const runAsUser: PodSecurityCheck = {
  id: "runAsUser",
  level: "restricted",
  check: (pod) => {
    if (inUserNamespace(pod)) return [];
    const out: Violation[] = [];
    if (child(pod.spec, "securityContext")?.["runAsUser"] === 0) {
      out.push({ path: pod.specPath.child("securityContext").child("runAsUser"), detail: "runAsUser=0: pod must not set runAsUser=0" });
    }
    for (const at of pod.containers) {
      if (child(at.container, "securityContext")?.["runAsUser"] === 0) {
        out.push({ path: at.path.child("securityContext").child("runAsUser"), detail: `runAsUser=0: ${describeContainer(at)} must not set runAsUser=0` });
      }
    }
    return out;
  },
};

const seccompProfileRestricted: PodSecurityCheck = {
  id: "seccompProfile_restricted",
  level: "restricted",
  overrides: ["seccompProfile_baseline"],
  check: (pod) => {
    if (isWindowsPod(pod)) return [];
    const out: Violation[] = [];
    const podProfile = child(child(pod.spec, "securityContext"), "seccompProfile");
    let podSet = false;
    if (podProfile !== undefined) {
      const type = podProfile["type"];
      if (typeof type === "string" && SECCOMP_TYPES.has(type)) podSet = true;
      else out.push({ path: pod.specPath.child("securityContext").child("seccompProfile").child("type"), detail: `seccompProfile: pod must not set securityContext.seccompProfile.type to ${JSON.stringify(type ?? "")}` });
    }
    for (const at of pod.containers) {
      const profile = child(child(at.container, "securityContext"), "seccompProfile");
      const path = at.path.child("securityContext").child("seccompProfile");
      if (profile !== undefined) {
        const type = profile["type"];
        if (!(typeof type === "string" && SECCOMP_TYPES.has(type))) {
          out.push({ path: path.child("type"), detail: `seccompProfile: ${describeContainer(at)} must not set securityContext.seccompProfile.type to ${JSON.stringify(type ?? "")}` });
        }
      } else if (!podSet) {
        out.push({ path, detail: `seccompProfile: pod or ${describeContainer(at)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` });
      }
    }
    return out;
  },
};

const capabilitiesRestricted: PodSecurityCheck = {
  id: "capabilities_restricted",
  level: "restricted",
  overrides: ["capabilities_baseline"],
  check: (pod) => (isWindowsPod(pod) ? [] : pod.containers.flatMap((at) => {
    const capsPath = at.path.child("securityContext").child("capabilities");
    const caps = child(child(at.container, "securityContext"), "capabilities");
    const out: Violation[] = [];
    if (!arrayOf(caps?.["drop"]).includes("ALL")) {
      out.push({ path: capsPath.child("drop"), detail: `unrestricted capabilities: ${describeContainer(at)} must set securityContext.capabilities.drop=["ALL"]` });
    }
    arrayOf(caps?.["add"]).forEach((cap, i) => {
      if (cap !== "NET_BIND_SERVICE") {
        out.push({ path: capsPath.child("add").index(i), detail: `unrestricted capabilities: ${describeContainer(at)} must not include ${JSON.stringify(cap)} in securityContext.capabilities.add` });
      }
    });
    return out;
  })),
};

const procMountRestricted: PodSecurityCheck = {
  id: "procMount_restricted",
  level: "restricted",
  overrides: ["procMount"],
  // Unconditional, user namespace or not (procMount_1_0).
  check: unmaskedProcMounts,
};

/** check IDs in upstream's file order. */
const RESTRICTED_ONLY: readonly PodSecurityCheck[] = [
  allowPrivilegeEscalation, capabilitiesRestricted, procMountRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompProfileRestricted,
];

const OVERRIDDEN = new Set(RESTRICTED_ONLY.flatMap((check) => check.overrides ?? []));

/** What the restricted level runs: Baseline minus the overridden checks, then the Restricted ones. */
export const RESTRICTED_CHECKS: readonly PodSecurityCheck[] = [...BASELINE_CHECKS.filter((check) => !OVERRIDDEN.has(check.id)), ...RESTRICTED_ONLY];
