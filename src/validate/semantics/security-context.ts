// Pod and container securityContext (validation.go validatePodSpecSecurityContext,
// ValidateSecurityContext, validateSeccompProfileField, ValidateAppArmorProfileField,
// validateSysctls, ValidateHostSysctl): id ranges, enums, profiles, and the privilege
// combinations the API server refuses.
import type { FieldError } from "../../errors/field-error.js";
import { duplicate, invalid, required, tooLong, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkLocalDescendingPath } from "./local-paths.js";
import { checkSupported } from "./supported-values.js";
import { arrayOf, isBlank, isSet, numberOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { checkWindowsOptions } from "./windows-options.js";

const MAX_ID = 2147483647;
const FS_GROUP_CHANGE_POLICIES = ["Always", "OnRootMismatch"] as const;
const SUPPLEMENTAL_GROUPS_POLICIES = ["Merge", "Strict"] as const;
const PROFILE_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"] as const;
const PROC_MOUNTS = ["Default", "Unmasked"] as const;
// SELinuxMount is beta and off by default at 1.36, so only Recursive is allowed.
const SELINUX_CHANGE_POLICIES = ["Recursive"] as const;
const MAX_APPARMOR_PROFILE = 4095;
// Sysctl names: dot- or slash-separated segments (kernel names like net.ipv4.ip_forward).
const SYSCTL_SEGMENT_FMT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
const SYSCTL_FMT = `^(${SYSCTL_SEGMENT_FMT}[\\./])*${SYSCTL_SEGMENT_FMT}$`;
const SYSCTL_MAX = 253;
const sysctlName = new RegExp(SYSCTL_FMT);
// component-helpers sysctl.GetNamespace: the IPC sysctls; net.* is the network namespace.
const IPC_SYSCTLS = new Set(["kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.shm_rmid_forced"]);

function checkId(value: unknown, path: FieldPath, rule: string): FieldError[] {
  const id = numberOf(value);
  if (id === undefined || (Number.isInteger(id) && id >= 0 && id <= MAX_ID)) return [];
  return [invalid(path, id, { rule, detail: `must be between 0 and ${MAX_ID}, inclusive` })];
}

/** validateSeccompProfileField. */
function checkSeccompProfile(value: unknown, path: FieldPath): FieldError[] {
  const profile = recordOf(value);
  if (!profile) return [];
  const type = stringOf(profile["type"]);
  if (isBlank(profile["type"])) return [required(path.child("type"), { rule: "securityContext.seccompProfile.type.required", detail: "type is required when seccompProfile is set" })];
  if (type === undefined) return [];
  const errs: FieldError[] = [];
  if (!(PROFILE_TYPES as readonly string[]).includes(type)) errs.push(unsupported(path.child("type"), type, PROFILE_TYPES, { rule: "securityContext.seccompProfile.type.unsupported" }));
  const localhost = stringOf(profile["localhostProfile"]);
  if (type === "Localhost") {
    if (!isSet(profile["localhostProfile"])) errs.push(required(path.child("localhostProfile"), { rule: "securityContext.seccompProfile.localhostProfile.required", detail: "must be set when seccomp type is Localhost" }));
    else if (localhost !== undefined) errs.push(...checkLocalDescendingPath(localhost, path.child("localhostProfile"), "securityContext.seccompProfile.localhostProfile.format"));
  } else if (isSet(profile["localhostProfile"])) {
    errs.push(invalid(path.child("localhostProfile"), profile, { rule: "securityContext.seccompProfile.localhostProfile.forbidden", detail: "can only be set when seccomp type is Localhost" }));
  }
  return errs;
}

/** ValidateAppArmorProfileField. */
function checkAppArmorProfile(value: unknown, path: FieldPath): FieldError[] {
  const profile = recordOf(value);
  if (!profile) return [];
  const type = stringOf(profile["type"]);
  const localhost = stringOf(profile["localhostProfile"]);
  const at = path.child("localhostProfile");
  switch (type) {
    case "Localhost": {
      const missing = required(at, { rule: "securityContext.appArmorProfile.localhostProfile.required", detail: "must be set when AppArmor type is Localhost" });
      if (!isSet(profile["localhostProfile"])) return [missing];
      if (localhost === undefined) return [];
      const errs: FieldError[] = [];
      if (localhost.trim() !== localhost) errs.push(invalid(at, localhost, { rule: "securityContext.appArmorProfile.localhostProfile.whitespace", detail: "must not be padded with whitespace" }));
      else if (localhost === "") errs.push(missing);
      if (Buffer.byteLength(localhost, "utf8") > MAX_APPARMOR_PROFILE) errs.push(tooLong(at, MAX_APPARMOR_PROFILE, { rule: "securityContext.appArmorProfile.localhostProfile.tooLong" }));
      return errs;
    }
    case "RuntimeDefault": case "Unconfined":
      return isSet(profile["localhostProfile"])
        ? [invalid(at, localhost ?? profile["localhostProfile"], { rule: "securityContext.appArmorProfile.localhostProfile.forbidden", detail: "can only be set when AppArmor type is Localhost" })]
        : [];
    case "": case undefined:
      return isSet(profile["type"]) && type === undefined ? [] : [required(path.child("type"), { rule: "securityContext.appArmorProfile.type.required", detail: "type is required when appArmorProfile is set" })];
    default:
      return [unsupported(path.child("type"), type, PROFILE_TYPES, { rule: "securityContext.appArmorProfile.type.unsupported" })];
  }
}

/** validateSysctls and ValidateHostSysctl. */
function checkSysctls(sc: JsonRecord, spec: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arrayOf(sc["sysctls"]).forEach((item, i) => {
    const sysctl = recordOf(item);
    if (!sysctl) return;
    const at = path.index(i).child("name");
    const name = stringOf(sysctl["name"]) ?? "";
    if (name === "") errs.push(required(at, { rule: "securityContext.sysctl.name.required" }));
    else if (name.length > SYSCTL_MAX || !sysctlName.test(name)) {
      errs.push(invalid(at, name, { rule: "securityContext.sysctl.name.format", detail: `must have at most ${SYSCTL_MAX} characters and match regex ${SYSCTL_FMT}` }));
    } else if (names.has(name)) errs.push(duplicate(at, name, { rule: "securityContext.sysctl.name.duplicate" }));
    const normalized = normalizeSysctl(name);
    if (spec["hostNetwork"] === true && normalized.startsWith("net.")) {
      errs.push(invalid(at, name, { rule: "securityContext.sysctl.hostNetwork", detail: "may not be specified when 'hostNetwork' is true" }));
    } else if (spec["hostIPC"] === true && (IPC_SYSCTLS.has(normalized) || normalized.startsWith("fs.mqueue."))) {
      errs.push(invalid(at, name, { rule: "securityContext.sysctl.hostIPC", detail: "may not be specified when 'hostIPC' is true" }));
    }
    names.add(name);
  });
  return errs;
}

/** sysctl.NormalizeName: a name whose first separator is "/" uses "/" for "." throughout. */
function normalizeSysctl(name: string): string {
  const slash = name.indexOf("/");
  const dot = name.indexOf(".");
  if (slash < 0 || (dot >= 0 && dot < slash)) return name;
  return name.replace(/[./]/g, (c) => (c === "/" ? "." : "/"));
}

export function checkPodSecurityContext(spec: JsonRecord, path: FieldPath): FieldError[] {
  const sc = recordOf(spec["securityContext"]) ?? {};
  const errs = checkId(sc["fsGroup"], path.child("fsGroup"), "securityContext.fsGroup.range").concat(
    checkId(sc["runAsUser"], path.child("runAsUser"), "securityContext.runAsUser.range"),
    checkId(sc["runAsGroup"], path.child("runAsGroup"), "securityContext.runAsGroup.range"),
  );
  arrayOf(sc["supplementalGroups"]).forEach((g, i) => {
    errs.push(...checkId(g, path.child("supplementalGroups").index(i), "securityContext.supplementalGroups.range"));
  });
  // The internal API keeps shareProcessNamespace in the security context, so Go reports it there.
  if (spec["shareProcessNamespace"] === true && spec["hostPID"] === true) {
    errs.push(invalid(path.child("shareProcessNamespace"), true, { rule: "spec.shareProcessNamespace.hostPID", detail: "ShareProcessNamespace and HostPID cannot both be enabled" }));
  }
  return errs.concat(
    checkSysctls(sc, spec, path.child("sysctls")),
    checkSupported(sc["fsGroupChangePolicy"], FS_GROUP_CHANGE_POLICIES, path.child("fsGroupChangePolicy"), "securityContext.fsGroupChangePolicy.unsupported"),
    checkSeccompProfile(sc["seccompProfile"], path.child("seccompProfile")),
    checkWindowsOptions(sc["windowsOptions"], path.child("windowsOptions")),
    checkAppArmorProfile(sc["appArmorProfile"], path.child("appArmorProfile")),
    checkSupported(sc["supplementalGroupsPolicy"], SUPPLEMENTAL_GROUPS_POLICIES, path.child("supplementalGroupsPolicy"), "securityContext.supplementalGroupsPolicy.unsupported"),
    checkSupported(sc["seLinuxChangePolicy"], SELINUX_CHANGE_POLICIES, path.child("seLinuxChangePolicy"), "securityContext.seLinuxChangePolicy.unsupported"),
  );
}

export function checkContainerSecurityContext(value: unknown, hostUsers: boolean, path: FieldPath): FieldError[] {
  const sc = recordOf(value);
  if (!sc) return [];
  const errs = checkId(sc["runAsUser"], path.child("runAsUser"), "securityContext.runAsUser.range").concat(
    checkId(sc["runAsGroup"], path.child("runAsGroup"), "securityContext.runAsGroup.range"),
    checkSupported(sc["procMount"], PROC_MOUNTS, path.child("procMount"), "securityContext.procMount.unsupported"),
  );
  if (hostUsers && sc["procMount"] === "Unmasked") {
    errs.push(invalid(path.child("procMount"), "Unmasked", { rule: "securityContext.procMount.hostUsers", detail: "`hostUsers` must be false to use `Unmasked`" }));
  }
  errs.push(...checkSeccompProfile(sc["seccompProfile"], path.child("seccompProfile")));
  if (sc["allowPrivilegeEscalation"] === false) errs.push(...checkEscalationConflicts(sc, path));
  return errs.concat(
    checkWindowsOptions(sc["windowsOptions"], path.child("windowsOptions")),
    checkAppArmorProfile(sc["appArmorProfile"], path.child("appArmorProfile")),
  );
}

/** allowPrivilegeEscalation: false is a promise that privileged mode or CAP_SYS_ADMIN would break. */
function checkEscalationConflicts(sc: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (sc["privileged"] === true) {
    errs.push(invalid(path, sc, { rule: "securityContext.privilegeEscalation.privileged", detail: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true" }));
  }
  for (const cap of arrayOf(recordOf(sc["capabilities"])?.["add"])) {
    if (cap === "CAP_SYS_ADMIN") errs.push(invalid(path, sc, { rule: "securityContext.privilegeEscalation.sysAdmin", detail: "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN" }));
  }
  return errs;
}
