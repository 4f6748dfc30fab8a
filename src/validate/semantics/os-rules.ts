// spec.os and what each OS forbids (validation.go validateOS, validateLinux, validateWindows),
// and Windows HostProcess pods (validateWindowsHostProcessPod).
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { arrayOf, isSet, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";

const OS_NAMES = ["linux", "windows"] as const;
const NOT_WINDOWS = "cannot be set for a windows pod";
const NOT_LINUX = "windows options cannot be set for a linux pod";

// validateWindows: pod securityContext fields (securityContext.X) and pod spec fields (X).
const WINDOWS_POD_SC_FIELDS = ["appArmorProfile", "seLinuxOptions"] as const;
const WINDOWS_POD_SC_FIELDS_2 = ["seccompProfile", "fsGroup", "fsGroupChangePolicy"] as const;
const WINDOWS_POD_SC_FIELDS_3 = ["runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy", "seLinuxChangePolicy"] as const;
const WINDOWS_CONTAINER_FIELDS = [
  "appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem", "privileged",
  "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup",
] as const;

/** podshelper.VisitContainersWithPath order: init containers, containers, ephemeral containers. */
function eachContainer(spec: JsonRecord, specPath: FieldPath, fn: (c: JsonRecord, at: FieldPath) => void): void {
  for (const list of ["initContainers", "containers", "ephemeralContainers"] as const) {
    arrayOf(spec[list]).forEach((c, i) => {
      const container = recordOf(c);
      if (container) fn(container, specPath.child(list).index(i));
    });
  }
}

export function checkOs(spec: JsonRecord, specPath: FieldPath): FieldError[] {
  const os = recordOf(spec["os"]);
  if (!os) return [];
  const name = stringOf(os["name"]);
  if (name === "" || !isSet(os["name"])) return [required(specPath.child("os").child("name"), { rule: "spec.os.name.required", detail: "cannot be empty" })];
  if (name === undefined) return [];
  // Go reports an unknown OS on spec.os itself.
  if (!(OS_NAMES as readonly string[]).includes(name)) return [unsupported(specPath.child("os"), name, OS_NAMES, { rule: "spec.os.name.unsupported" })];
  return name === "linux" ? checkLinux(spec, specPath) : checkWindows(spec, specPath);
}

function checkLinux(spec: JsonRecord, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(recordOf(spec["securityContext"])?.["windowsOptions"])) {
    errs.push(forbidden(specPath.child("securityContext").child("windowsOptions"), { rule: "spec.os.linux.windowsOptions", detail: NOT_LINUX }));
  }
  eachContainer(spec, specPath, (c, at) => {
    if (isSet(recordOf(c["securityContext"])?.["windowsOptions"])) {
      errs.push(forbidden(at.child("securityContext").child("windowsOptions"), { rule: "spec.os.linux.windowsOptions", detail: NOT_LINUX }));
    }
  });
  return errs;
}

function checkWindows(spec: JsonRecord, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const no = (path: FieldPath): FieldError => forbidden(path, { rule: "spec.os.windows.forbidden", detail: NOT_WINDOWS });
  // SetDefaults_PodSpec gives every pod a securityContext, so these always run.
  const sc = recordOf(spec["securityContext"]) ?? {};
  const scPath = specPath.child("securityContext");
  for (const f of WINDOWS_POD_SC_FIELDS) if (isSet(sc[f])) errs.push(no(scPath.child(f)));
  if (isSet(spec["hostUsers"])) errs.push(no(specPath.child("hostUsers")));
  if (spec["hostPID"] === true) errs.push(no(specPath.child("hostPID")));
  if (spec["hostIPC"] === true) errs.push(no(specPath.child("hostIPC")));
  for (const f of WINDOWS_POD_SC_FIELDS_2) if (isSet(sc[f])) errs.push(no(scPath.child(f)));
  if (arrayOf(sc["sysctls"]).length > 0) errs.push(no(scPath.child("sysctls")));
  if (isSet(spec["shareProcessNamespace"])) errs.push(no(specPath.child("shareProcessNamespace")));
  for (const f of WINDOWS_POD_SC_FIELDS_3) if (isSet(sc[f])) errs.push(no(scPath.child(f)));
  eachContainer(spec, specPath, (c, at) => {
    const csc = recordOf(c["securityContext"]);
    if (!csc) return;
    for (const f of WINDOWS_CONTAINER_FIELDS) if (isSet(csc[f])) errs.push(no(at.child("securityContext").child(f)));
  });
  return errs;
}

const hostProcessOf = (sc: unknown): boolean | undefined => {
  const value = recordOf(recordOf(sc)?.["windowsOptions"])?.["hostProcess"];
  return typeof value === "boolean" ? value : undefined;
};

/** HostProcess containers: all or none of a pod's, agreeing with the pod, and on the host network. */
export function checkHostProcess(spec: JsonRecord, specPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const podHostProcess = hostProcessOf(spec["securityContext"]);
  let containers = 0;
  let hostProcess = 0;
  eachContainer(spec, specPath, (c, at) => {
    containers++;
    const own = hostProcessOf(c["securityContext"]);
    if (podHostProcess !== undefined && own !== undefined && podHostProcess !== own) {
      errs.push(invalid(at.child("securityContext").child("windowsOptions").child("hostProcess"), own, {
        rule: "spec.hostProcess.mismatch", detail: `pod hostProcess value must be identical if both are specified, was ${podHostProcess}`,
      }));
    }
    if (own === true || (own === undefined && podHostProcess === true)) hostProcess++;
  });
  if (hostProcess === 0) return errs;
  if (hostProcess !== containers) {
    errs.push(invalid(specPath, "", { rule: "spec.hostProcess.all", detail: "If pod contains any hostProcess containers then all containers must be HostProcess containers" }));
  }
  if (spec["hostNetwork"] !== true) {
    errs.push(invalid(specPath.child("hostNetwork"), false, { rule: "spec.hostProcess.hostNetwork", detail: "hostNetwork must be true if pod contains any hostProcess containers" }));
  }
  return errs;
}
