// The Pod Security Standards, Baseline level, check by check as kubernetes/pod-security-admission
// v0.36.2 (Kubernetes 1.36.2, policy/check_*.go) implements them at the newest policy version it
// defines (1.35, what `latest` resolves to on a 1.36 API server). Each check keeps the upstream
// ID (the rule is `policy.podSecurity.<ID>`); where upstream aggregates a pod into one result,
// this reports each offending field, as the API server's field errors do.
import type { FieldPath } from "../errors/field-path.js";
import { arrayOf, recordOf, stringOf } from "../validate/semantics/read-json.js";
import { child, describeContainer, type PodView } from "./pod-walk.js";

export interface Violation {
  path: FieldPath;
  detail: string;
}

export interface PodSecurityCheck {
  /** pod-security-admission's check ID. */
  id: string;
  level: "baseline" | "restricted";
  /** Baseline checks this one replaces at the restricted level (upstream's OverrideCheckIDs). */
  overrides?: readonly string[];
  check(pod: PodView): Violation[];
}

/** check_capabilities_baseline.go capabilities_allowed_1_0. */
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);
/** check_seLinuxOptions.go selinuxAllowedTypes1_31. */
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
/** check_sysctls.go sysctlsAllowedV1Dot32. */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
]);
/** check_appArmorProfile.go: the field's allowed types, and the deprecated annotation's prefix and values. */
const APPARMOR_TYPES = new Set(["RuntimeDefault", "Localhost"]);
const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
/** check_seccompProfile_baseline.go validSeccomp. */
export const SECCOMP_TYPES = new Set(["RuntimeDefault", "Localhost"]);

/** helpers.go relaxPolicyForUserNamespacePod: a pod in a user namespace. */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec["hostUsers"] === false;
}

/** A container's procMount when set to anything but Default (procMount_1_0). */
export function unmaskedProcMounts(pod: PodView): Violation[] {
  return pod.containers.flatMap((at) => {
    const procMount = child(at.container, "securityContext")?.["procMount"];
    if (procMount === undefined || procMount === null || procMount === "Default") return [];
    return [{ path: at.path.child("securityContext").child("procMount"), detail: `${describeContainer(at)} must not set securityContext.procMount to ${JSON.stringify(procMount)}` }];
  });
}

/** The pod's securityContext and every container's, with their paths and who set them. */
function securityContexts(pod: PodView): Array<{ sc: Record<string, unknown>; path: FieldPath; who: string }> {
  const out: Array<{ sc: Record<string, unknown>; path: FieldPath; who: string }> = [];
  const podSc = child(pod.spec, "securityContext");
  if (podSc) out.push({ sc: podSc, path: pod.specPath.child("securityContext"), who: "pod" });
  for (const at of pod.containers) {
    const sc = child(at.container, "securityContext");
    if (sc) out.push({ sc, path: at.path.child("securityContext"), who: describeContainer(at) });
  }
  return out;
}

const windowsHostProcess: PodSecurityCheck = {
  id: "windowsHostProcess",
  level: "baseline",
  check: (pod) => securityContexts(pod)
    .filter(({ sc }) => child(sc, "windowsOptions")?.["hostProcess"] === true)
    .map(({ path, who }) => ({ path: path.child("windowsOptions").child("hostProcess"), detail: `${who} must not set securityContext.windowsOptions.hostProcess=true` })),
};

const hostNamespaces: PodSecurityCheck = {
  id: "hostNamespaces",
  level: "baseline",
  check: (pod) => (["hostNetwork", "hostPID", "hostIPC"] as const)
    .filter((field) => pod.spec[field] === true)
    .map((field) => ({ path: pod.specPath.child(field), detail: `host namespaces: ${field} must not be true` })),
};

const privileged: PodSecurityCheck = {
  id: "privileged",
  level: "baseline",
  check: (pod) => pod.containers
    .filter((at) => child(at.container, "securityContext")?.["privileged"] === true)
    .map((at) => ({ path: at.path.child("securityContext").child("privileged"), detail: `${describeContainer(at)} must not set securityContext.privileged=true` })),
};

const capabilitiesBaseline: PodSecurityCheck = {
  id: "capabilities_baseline",
  level: "baseline",
  check: (pod) => pod.containers.flatMap((at) => {
    const path = at.path.child("securityContext").child("capabilities").child("add");
    return arrayOf(child(child(at.container, "securityContext"), "capabilities")?.["add"]).flatMap((cap, i) =>
      typeof cap === "string" && BASELINE_CAPABILITIES.has(cap) ? [] : [{
        path: path.index(i), detail: `non-default capabilities: ${describeContainer(at)} must not include ${JSON.stringify(cap)} in securityContext.capabilities.add`,
      }]);
  }),
};

const hostPathVolumes: PodSecurityCheck = {
  id: "hostPathVolumes",
  level: "baseline",
  check: (pod) => arrayOf(pod.spec["volumes"]).flatMap((item, i) => {
    const volume = recordOf(item);
    if (volume?.["hostPath"] === undefined || volume["hostPath"] === null) return [];
    return [{ path: pod.specPath.child("volumes").index(i).child("hostPath"), detail: `hostPath volumes: volume ${JSON.stringify(volume["name"] ?? "")} must not use hostPath` }];
  }),
};

const hostPorts: PodSecurityCheck = {
  id: "hostPorts",
  level: "baseline",
  check: (pod) => pod.containers.flatMap((at) => arrayOf(at.container["ports"]).flatMap((item, j) => {
    const hostPort = recordOf(item)?.["hostPort"];
    if (hostPort === undefined || hostPort === null || hostPort === 0) return [];
    return [{ path: at.path.child("ports").index(j).child("hostPort"), detail: `hostPort: ${describeContainer(at)} must not use hostPort ${String(hostPort)}` }];
  })),
};

const appArmorProfile: PodSecurityCheck = {
  id: "appArmorProfile",
  level: "baseline",
  check: (pod) => {
    const fields = securityContexts(pod).flatMap(({ sc, path, who }) => {
      const profile = child(sc, "appArmorProfile");
      if (profile === undefined) return [];
      const type = profile["type"];
      if (typeof type === "string" && APPARMOR_TYPES.has(type)) return [];
      return [{ path: path.child("appArmorProfile").child("type"), detail: `forbidden AppArmor profile: ${who} must not set AppArmor profile type to ${JSON.stringify(type ?? "")}` }];
    });
    const annotations = recordOf(pod.metadata["annotations"]) ?? {};
    const annotationPath = (key: string): FieldPath => pod.metadataPath.child("annotations").key(key);
    const deprecated = Object.entries(annotations)
      .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAppArmorAnnotation(value))
      .map(([key, value]) => ({ path: annotationPath(key), detail: `forbidden AppArmor profile: annotation ${key}=${JSON.stringify(value)}` }));
    return [...fields, ...deprecated];
  },
};

function allowedAppArmorAnnotation(value: unknown): boolean {
  const profile = stringOf(value);
  return profile === undefined || profile === "" || profile === "runtime/default" || profile.startsWith("localhost/");
}

const seLinuxOptions: PodSecurityCheck = {
  id: "seLinuxOptions",
  level: "baseline",
  check: (pod) => securityContexts(pod).flatMap(({ sc, path, who }) => {
    const options = child(sc, "seLinuxOptions");
    if (options === undefined) return [];
    const at = path.child("seLinuxOptions");
    const out: Violation[] = [];
    const type = options["type"] ?? "";
    if (typeof type !== "string" || !SELINUX_TYPES.has(type)) {
      out.push({ path: at.child("type"), detail: `seLinuxOptions: ${who} must not set type ${JSON.stringify(type)}` });
    }
    for (const field of ["user", "role"] as const) {
      const value = options[field];
      if (typeof value === "string" && value.length > 0) out.push({ path: at.child(field), detail: `seLinuxOptions: ${who} must not set ${field}` });
    }
    return out;
  }),
};

const procMount: PodSecurityCheck = {
  id: "procMount",
  level: "baseline",
  // Policy 1.35: any procMount is allowed in a user namespace (procMount1_35baseline).
  check: (pod) => (inUserNamespace(pod) ? [] : unmaskedProcMounts(pod)),
};

const seccompProfileBaseline: PodSecurityCheck = {
  id: "seccompProfile_baseline",
  level: "baseline",
  check: (pod) => securityContexts(pod).flatMap(({ sc, path, who }) => {
    const profile = child(sc, "seccompProfile");
    if (profile === undefined) return [];
    const type = profile["type"];
    if (typeof type === "string" && SECCOMP_TYPES.has(type)) return [];
    return [{ path: path.child("seccompProfile").child("type"), detail: `seccompProfile: ${who} must not set securityContext.seccompProfile.type to ${JSON.stringify(type ?? "")}` }];
  }),
};

const sysctls: PodSecurityCheck = {
  id: "sysctls",
  level: "baseline",
  check: (pod) => {
    const path = pod.specPath.child("securityContext").child("sysctls");
    return arrayOf(child(pod.spec, "securityContext")?.["sysctls"]).flatMap((item, i) => {
      const name = recordOf(item)?.["name"];
      return typeof name === "string" && SAFE_SYSCTLS.has(name) ? [] : [{ path: path.index(i).child("name"), detail: `forbidden sysctls: ${JSON.stringify(name ?? "")}` }];
    });
  },
};

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HOOKS = ["postStart", "preStop"] as const;
const HOST_ACTIONS = ["httpGet", "tcpSocket"] as const;

const hostProbesAndHostLifecycle: PodSecurityCheck = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  check: (pod) => pod.containers.flatMap((at) => {
    const handlers: Array<{ handler: Record<string, unknown> | undefined; path: FieldPath }> = [
      ...PROBES.map((probe) => ({ handler: child(at.container, probe), path: at.path.child(probe) })),
      ...HOOKS.map((hook) => ({ handler: child(child(at.container, "lifecycle"), hook), path: at.path.child("lifecycle").child(hook) })),
    ];
    return handlers.flatMap(({ handler, path }) => HOST_ACTIONS.flatMap((action) => {
      const host = child(handler, action)?.["host"];
      if (typeof host !== "string" || host === "") return [];
      return [{ path: path.child(action).child("host"), detail: `probe or lifecycle host: ${describeContainer(at)} must not use host ${JSON.stringify(host)}` }];
    }));
  }),
};

/** Every Baseline check, in upstream's file order. */
export const BASELINE_CHECKS: readonly PodSecurityCheck[] = [
  appArmorProfile, capabilitiesBaseline, hostNamespaces, hostPathVolumes, hostPorts, hostProbesAndHostLifecycle,
  privileged, procMount, seLinuxOptions, seccompProfileBaseline, sysctls, windowsHostProcess,
];
