// Container volumeMounts and volumeDevices (validation.go ValidateVolumeMounts,
// ValidateVolumeDevices, validateMountPropagation, validateMountRecursiveReadOnly).
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid, notFound, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkLocalDescendingPath } from "./local-paths.js";
import { arrayOf, isBlank, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";

const PROPAGATION_MODES = ["Bidirectional", "HostToContainer", "None"] as const;
const RECURSIVE_READ_ONLY = ["Disabled", "Enabled", "IfPossible"] as const;

/** name → path of a container's mounts or devices (GetVolumeMountMap, GetVolumeDeviceMap: the last one wins). */
function pathsByName(list: unknown, pathField: string): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const item of arrayOf(list)) {
    const entry = recordOf(item);
    if (entry) map.set(stringOf(entry["name"]) ?? "", stringOf(entry[pathField]) ?? "");
  }
  return map;
}

const NO_PATHS: ReadonlyMap<string, string> = new Map();
const hasPath = (map: ReadonlyMap<string, string>, p: string): boolean => [...map.values()].includes(p);

export function checkVolumeMounts(container: JsonRecord, volumes: ReadonlyMap<string, string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const devices = Array.isArray(container["volumeDevices"]) ? pathsByName(container["volumeDevices"], "devicePath") : NO_PATHS;
  const privileged = recordOf(container["securityContext"])?.["privileged"] === true;
  const mountPaths = new Set<string>();
  arrayOf(container["volumeMounts"]).forEach((item, m) => {
    const mount = recordOf(item);
    if (!mount) return;
    const at = path.index(m);
    const name = stringOf(mount["name"]) ?? "";
    // Both fire for an empty name, as in the API server: no volume can be called "".
    if (isBlank(mount["name"])) errs.push(required(at.child("name"), { rule: "container.volumeMount.name.required" }));
    // A name of another type is the schema layer's to report.
    if (typeof (mount["name"] ?? "") === "string" && !volumes.has(name)) errs.push(notFound(at.child("name"), name, { rule: "container.volumeMount.name.notFound" }));
    const mountPath = stringOf(mount["mountPath"]) ?? "";
    if (isBlank(mount["mountPath"])) errs.push(required(at.child("mountPath"), { rule: "container.volumeMount.mountPath.required" }));
    if (mountPaths.has(mountPath)) errs.push(invalid(at.child("mountPath"), mountPath, { rule: "container.volumeMount.mountPath.duplicate", detail: "must be unique" }));
    mountPaths.add(mountPath);
    if (devices.has(name)) errs.push(invalid(at.child("name"), name, { rule: "container.volumeMount.name.device", detail: "must not already exist in volumeDevices" }));
    if (hasPath(devices, mountPath)) errs.push(invalid(at.child("mountPath"), mountPath, { rule: "container.volumeMount.mountPath.device", detail: "must not already exist as a path in volumeDevices" }));
    const subPath = stringOf(mount["subPath"]) ?? "";
    const subPathExpr = stringOf(mount["subPathExpr"]) ?? "";
    // The API server reports subPath problems on `volumeMounts.subPath`, without the index.
    if (subPath !== "") errs.push(...checkLocalDescendingPath(subPath, path.child("subPath"), "container.volumeMount.subPath.format"));
    if (subPathExpr !== "") {
      if (subPath !== "") {
        errs.push(invalid(at.child("subPathExpr"), subPathExpr, { rule: "container.volumeMount.subPathExpr.exclusive", detail: "subPathExpr and subPath are mutually exclusive" }));
      }
      errs.push(...checkLocalDescendingPath(subPathExpr, path.child("subPathExpr"), "container.volumeMount.subPathExpr.format"));
    }
    const propagation = stringOf(mount["mountPropagation"]);
    if (propagation !== undefined) {
      if (!(PROPAGATION_MODES as readonly string[]).includes(propagation)) {
        errs.push(unsupported(path.child("mountPropagation"), propagation, PROPAGATION_MODES, { rule: "container.volumeMount.mountPropagation.unsupported" }));
      } else if (propagation === "Bidirectional" && !privileged) {
        errs.push(forbidden(path.child("mountPropagation"), { rule: "container.volumeMount.mountPropagation.privileged", detail: "Bidirectional mount propagation is available only to privileged containers" }));
      }
    }
    errs.push(...checkRecursiveReadOnly(mount, propagation, path.child("recursiveReadOnly")));
  });
  return errs;
}

function checkRecursiveReadOnly(mount: JsonRecord, propagation: string | undefined, path: FieldPath): FieldError[] {
  const recursive = stringOf(mount["recursiveReadOnly"]);
  if (recursive === undefined || recursive === "Disabled") return [];
  if (!(RECURSIVE_READ_ONLY as readonly string[]).includes(recursive)) {
    return [unsupported(path, recursive, RECURSIVE_READ_ONLY, { rule: "container.volumeMount.recursiveReadOnly.unsupported" })];
  }
  const errs: FieldError[] = [];
  if (mount["readOnly"] !== true) errs.push(forbidden(path, { rule: "container.volumeMount.recursiveReadOnly.readOnly", detail: "may only be specified when readOnly is true" }));
  if (propagation !== undefined && propagation !== "None") {
    errs.push(forbidden(path, { rule: "container.volumeMount.recursiveReadOnly.propagation", detail: "may only be specified when mountPropagation is None or not specified" }));
  }
  return errs;
}

/** Raw block devices: only from a claim (PersistentVolumeClaim or ephemeral), each name and path once. */
export function checkVolumeDevices(container: JsonRecord, volumes: ReadonlyMap<string, string>, path: FieldPath): FieldError[] {
  if (arrayOf(container["volumeDevices"]).length === 0) return [];
  const errs: FieldError[] = [];
  const mounts = pathsByName(container["volumeMounts"], "mountPath");
  const names = new Set<string>();
  const devicePaths = new Set<string>();
  arrayOf(container["volumeDevices"]).forEach((item, d) => {
    const device = recordOf(item);
    if (!device) return;
    const at = path.index(d);
    const name = stringOf(device["name"]) ?? "";
    const devicePath = stringOf(device["devicePath"]) ?? "";
    const source = volumes.get(name);
    if (name === "") errs.push(required(at.child("name"), { rule: "container.volumeDevice.name.required" }));
    if (names.has(name)) errs.push(invalid(at.child("name"), name, { rule: "container.volumeDevice.name.duplicate", detail: "must be unique" }));
    if (source !== undefined && source !== "persistentVolumeClaim" && source !== "ephemeral") {
      errs.push(invalid(at.child("name"), name, { rule: "container.volumeDevice.name.notClaim", detail: "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode" }));
    }
    if (source === undefined) errs.push(notFound(at.child("name"), name, { rule: "container.volumeDevice.name.notFound" }));
    if (devicePath === "") errs.push(required(at.child("devicePath"), { rule: "container.volumeDevice.devicePath.required" }));
    if (devicePaths.has(devicePath)) errs.push(invalid(at.child("devicePath"), devicePath, { rule: "container.volumeDevice.devicePath.duplicate", detail: "must be unique" }));
    if (devicePath !== "" && devicePath.split(/[\\/]/).includes("..")) {
      errs.push(invalid(at.child("devicePath"), devicePath, { rule: "container.volumeDevice.devicePath.backsteps", detail: "can not contain backsteps ('..')" }));
    } else devicePaths.add(devicePath);
    if (mounts.has(name)) errs.push(invalid(at.child("name"), name, { rule: "container.volumeDevice.name.mount", detail: "must not already exist in volumeMounts" }));
    if (hasPath(mounts, devicePath)) errs.push(invalid(at.child("devicePath"), devicePath, { rule: "container.volumeDevice.devicePath.mount", detail: "must not already exist as a path in volumeMounts" }));
    if (name !== "") names.add(name);
  });
  return errs;
}
