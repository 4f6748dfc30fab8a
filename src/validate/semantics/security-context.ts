// Pod and container securityContext basics (validation.go ValidatePodSecurityContext,
// ValidateSecurityContext, validateSeccompProfileField): id ranges, enums, and the
// privilege combinations the API server refuses.
import type { FieldError } from "../../errors/field-error.js";
import { invalid, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkSupported } from "./supported-values.js";
import { arrayOf, isBlank, numberOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";

const MAX_ID = 2147483647;
const FS_GROUP_CHANGE_POLICIES = ["Always", "OnRootMismatch"] as const;
const SUPPLEMENTAL_GROUPS_POLICIES = ["Merge", "Strict"] as const;
const PROFILE_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"] as const;
const PROC_MOUNTS = ["Default", "Unmasked"] as const;
// Sysctl names: dot- or slash-separated segments (kernel names like net.ipv4.ip_forward).
const SYSCTL_SEGMENT_FMT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
const SYSCTL_FMT = `(${SYSCTL_SEGMENT_FMT}[\\./])*${SYSCTL_SEGMENT_FMT}`;
const SYSCTL_MAX = 253;
const sysctlName = new RegExp(`^${SYSCTL_FMT}$`);

function checkId(value: unknown, path: FieldPath, rule: string): FieldError[] {
  const id = numberOf(value);
  if (id === undefined || (Number.isInteger(id) && id >= 0 && id <= MAX_ID)) return [];
  return [invalid(path, id, { rule, detail: `must be between 0 and ${MAX_ID}, inclusive` })];
}


/** seccompProfile and appArmorProfile share one shape: a type, and a localhostProfile only for Localhost. */
function checkProfile(value: unknown, path: FieldPath, rulePrefix: string): FieldError[] {
  const profile = recordOf(value);
  if (!profile) return [];
  if (isBlank(profile["type"])) return [required(path.child("type"), { rule: `${rulePrefix}.type.required` })];
  const type = stringOf(profile["type"]);
  if (type === undefined) return [];
  if (!(PROFILE_TYPES as readonly string[]).includes(type)) return [unsupported(path.child("type"), type, PROFILE_TYPES, { rule: `${rulePrefix}.type.unsupported` })];
  const localhost = stringOf(profile["localhostProfile"]);
  if (type === "Localhost" && isBlank(profile["localhostProfile"])) {
    return [required(path.child("localhostProfile"), { rule: `${rulePrefix}.localhostProfile.required`, detail: "must be set when seccomp type is Localhost" })];
  }
  if (type !== "Localhost" && localhost !== undefined) {
    return [invalid(path.child("localhostProfile"), localhost, { rule: `${rulePrefix}.localhostProfile.forbidden`, detail: "can only be set when `type` is \"Localhost\"" })];
  }
  return [];
}

export function checkPodSecurityContext(value: unknown, path: FieldPath): FieldError[] {
  const sc = recordOf(value);
  if (!sc) return [];
  const errs = [
    ...checkId(sc["runAsUser"], path.child("runAsUser"), "securityContext.runAsUser.range"),
    ...checkId(sc["runAsGroup"], path.child("runAsGroup"), "securityContext.runAsGroup.range"),
    ...checkId(sc["fsGroup"], path.child("fsGroup"), "securityContext.fsGroup.range"),
    ...checkSupported(sc["fsGroupChangePolicy"], FS_GROUP_CHANGE_POLICIES, path.child("fsGroupChangePolicy"), "securityContext.fsGroupChangePolicy.unsupported"),
    ...checkSupported(sc["supplementalGroupsPolicy"], SUPPLEMENTAL_GROUPS_POLICIES, path.child("supplementalGroupsPolicy"), "securityContext.supplementalGroupsPolicy.unsupported"),
    ...checkProfile(sc["seccompProfile"], path.child("seccompProfile"), "securityContext.seccompProfile"),
    ...checkProfile(sc["appArmorProfile"], path.child("appArmorProfile"), "securityContext.appArmorProfile"),
  ];
  arrayOf(sc["sysctls"]).forEach((item, i) => {
    const sysctl = recordOf(item);
    const name = stringOf(sysctl?.["name"]);
    const at = path.child("sysctls").index(i).child("name");
    if (sysctl && isBlank(sysctl["name"])) errs.push(required(at, { rule: "securityContext.sysctl.name.required" }));
    else if (name !== undefined && name !== "" && (name.length > SYSCTL_MAX || !sysctlName.test(name))) {
      errs.push(invalid(at, name, { rule: "securityContext.sysctl.name.format", detail: `must have at most ${SYSCTL_MAX} characters and match regex ${SYSCTL_FMT}` }));
    }
  });
  arrayOf(sc["supplementalGroups"]).forEach((g, i) => {
    errs.push(...checkId(g, path.child("supplementalGroups").index(i), "securityContext.supplementalGroups.range"));
  });
  return errs;
}

export function checkContainerSecurityContext(value: unknown, path: FieldPath): FieldError[] {
  const sc = recordOf(value);
  if (!sc) return [];
  const errs = [
    ...checkId(sc["runAsUser"], path.child("runAsUser"), "securityContext.runAsUser.range"),
    ...checkId(sc["runAsGroup"], path.child("runAsGroup"), "securityContext.runAsGroup.range"),
    ...checkSupported(sc["procMount"], PROC_MOUNTS, path.child("procMount"), "securityContext.procMount.unsupported"),
    ...checkProfile(sc["seccompProfile"], path.child("seccompProfile"), "securityContext.seccompProfile"),
    ...checkProfile(sc["appArmorProfile"], path.child("appArmorProfile"), "securityContext.appArmorProfile"),
  ];
  if (sc["allowPrivilegeEscalation"] === false) errs.push(...checkEscalationConflicts(sc, path));
  return errs;
}

/** allowPrivilegeEscalation: false is a promise that privileged mode or CAP_SYS_ADMIN would break. */
function checkEscalationConflicts(sc: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (sc["privileged"] === true) {
    errs.push(invalid(path, sc, { rule: "securityContext.privilegeEscalation.privileged", detail: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true" }));
  }
  if (arrayOf(recordOf(sc["capabilities"])?.["add"]).includes("CAP_SYS_ADMIN")) {
    errs.push(invalid(path, sc, { rule: "securityContext.privilegeEscalation.sysAdmin", detail: "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN" }));
  }
  return errs;
}
