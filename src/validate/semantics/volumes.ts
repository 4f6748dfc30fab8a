// Pod volumes (validation.go ValidateVolumes, validateVolumeSource and the per-source checks).
// Like the API server, a volume with any error is left out of the returned names, so mounts
// of it also report `Not found`.
import type { FieldError } from "../../errors/field-error.js";
import { duplicate, forbidden, invalid, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkFieldRef, checkResourceFieldRef, VOLUME_FIELD_PATHS } from "./downward-api.js";
import { parseQuantityValue, signOfQuantity } from "../quantity.js";
import { checkLocalDescendingPath, checkLocalNonReservedPath, checkNoBacksteps } from "./local-paths.js";
import { checkDns1123Label } from "./name-formats.js";
import { arrayOf, isBlank, isSet, numberOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { VOLUME_SOURCES } from "./volume-sources.js";

const HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"] as const;
const MAX_FILE_MODE = 0o777;

export interface CheckedVolumes {
  errors: FieldError[];
  /** Names of the volumes that passed, which mounts may refer to. */
  names: Set<string>;
}

export function checkVolumes(value: unknown, path: FieldPath): CheckedVolumes {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  arrayOf(value).forEach((item, i) => {
    const volume = recordOf(item);
    if (!volume) return;
    const at = path.index(i);
    const errs = checkVolumeSource(volume, at);
    const name = stringOf(volume["name"]);
    if (name === undefined || name === "") {
      if (name === "" || !isSet(volume["name"])) errs.push(required(at.child("name"), { rule: "volume.name.required" }));
    } else {
      for (const msg of checkDns1123Label(name)) errs.push(invalid(at.child("name"), name, { rule: "volume.name.format", detail: msg }));
      if (names.has(name)) errs.push(duplicate(at.child("name"), name, { rule: "volume.name.duplicate" }));
    }
    if (errs.length === 0 && name) names.add(name);
    errors.push(...errs);
  });
  return { errors, names };
}

function checkVolumeSource(volume: JsonRecord, path: FieldPath): FieldError[] {
  const present = VOLUME_SOURCES.filter((s) => isSet(volume[s]));
  if (present.length === 0) return [required(path, { rule: "volume.source.required", detail: "must specify a volume type" })];
  const errs = present.slice(1).map((s) => forbidden(path.child(s), { rule: "volume.source.many", detail: "may not specify more than 1 volume type" }));
  const source = present[0];
  const body = recordOf(source === undefined ? undefined : volume[source]);
  if (!body || source === undefined) return errs;
  const at = path.child(source);
  switch (source) {
    case "hostPath": errs.push(...checkHostPath(body, at)); break;
    case "downwardAPI": errs.push(...checkDownwardApiVolume(body, at)); break;
    case "projected": errs.push(...checkProjected(body, at)); break;
    case "configMap": case "secret": errs.push(...checkKeyToPathItems(body["items"], at.child("items")), ...checkMode(body["defaultMode"], at.child("defaultMode"))); break;
    case "image": errs.push(...checkImageVolume(body, at)); break;
    case "nfs": errs.push(...checkNfs(body, at)); break;
    case "emptyDir": errs.push(...checkEmptyDir(body, at)); break;
    case "gitRepo": errs.push(...checkGitRepo(body, at)); break;
    default: break;
  }
  return errs;
}

function checkHostPath(source: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const hostPath = stringOf(source["path"]);
  if (isBlank(source["path"])) errs.push(required(path.child("path"), { rule: "volume.hostPath.path.required" }));
  else if (hostPath !== undefined) errs.push(...checkNoBacksteps(hostPath, path.child("path"), "volume.hostPath.path.backsteps"));
  const type = stringOf(source["type"]);
  if (type !== undefined && !(HOST_PATH_TYPES as readonly string[]).includes(type)) {
    errs.push(unsupported(path.child("type"), type, HOST_PATH_TYPES, { rule: "volume.hostPath.type.unsupported" }));
  }
  return errs;
}

function checkMode(value: unknown, path: FieldPath): FieldError[] {
  const mode = numberOf(value);
  if (mode === undefined || (Number.isInteger(mode) && mode >= 0 && mode <= MAX_FILE_MODE)) return [];
  return [invalid(path, mode, { rule: "volume.mode.range", detail: "must be a number between 0 and 0777 (octal), both inclusive" })];
}

function checkKeyToPathItems(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(value).forEach((item, i) => {
    const entry = recordOf(item);
    if (!entry) return;
    const at = path.index(i);
    if (isBlank(entry["key"])) errs.push(required(at.child("key"), { rule: "volume.items.key.required" }));
    errs.push(...checkItemPath(entry["path"], at.child("path")), ...checkMode(entry["mode"], at.child("mode")));
  });
  return errs;
}

function checkItemPath(value: unknown, path: FieldPath): FieldError[] {
  if (isBlank(value)) return [required(path, { rule: "volume.items.path.required" })];
  const itemPath = stringOf(value);
  return itemPath === undefined ? [] : checkLocalNonReservedPath(itemPath, path, "volume.items.path.format");
}

function checkDownwardApiItems(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(value).forEach((item, i) => {
    const entry = recordOf(item);
    if (!entry) return;
    const at = path.index(i);
    errs.push(...checkItemPath(entry["path"], at.child("path")), ...checkMode(entry["mode"], at.child("mode")));
    const hasField = isSet(entry["fieldRef"]);
    const hasResource = isSet(entry["resourceFieldRef"]);
    if (hasField && hasResource) {
      errs.push(invalid(at, "resource", { rule: "volume.downwardAPI.item.many", detail: "fieldRef and resourceFieldRef can not be specified simultaneously" }));
    } else if (!hasField && !hasResource) {
      errs.push(required(at, { rule: "volume.downwardAPI.item.none", detail: "one of fieldRef and resourceFieldRef is required" }));
    }
    if (hasField) errs.push(...checkFieldRef(entry["fieldRef"], at.child("fieldRef"), VOLUME_FIELD_PATHS));
    if (hasResource) errs.push(...checkResourceFieldRef(entry["resourceFieldRef"], at.child("resourceFieldRef"), true));
  });
  return errs;
}

function checkDownwardApiVolume(source: JsonRecord, path: FieldPath): FieldError[] {
  return [...checkDownwardApiItems(source["items"], path.child("items")), ...checkMode(source["defaultMode"], path.child("defaultMode"))];
}

const PROJECTIONS = ["secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle", "podCertificate"] as const;

function checkProjected(source: JsonRecord, path: FieldPath): FieldError[] {
  const errs = checkMode(source["defaultMode"], path.child("defaultMode"));
  arrayOf(source["sources"]).forEach((item, i) => {
    const projection = recordOf(item);
    if (!projection) return;
    const at = path.child("sources").index(i);
    const present = PROJECTIONS.filter((p) => isSet(projection[p]));
    if (present.length === 0) {
      errs.push(required(at, { rule: "volume.projected.source.required", detail: "must specify exactly 1 of: secret, configMap, downwardAPI, serviceAccountToken, clusterTrustBundle, podCertificate" }));
    }
    for (const extra of present.slice(1)) {
      errs.push(forbidden(at.child(extra), { rule: "volume.projected.source.many", detail: "may not specify more than 1 volume type per source" }));
    }
    const body = recordOf(present[0] === undefined ? undefined : projection[present[0]]);
    if (!body) return;
    if (present[0] === "downwardAPI") errs.push(...checkDownwardApiItems(body["items"], at.child("downwardAPI").child("items")));
    if (present[0] === "secret" || present[0] === "configMap") errs.push(...checkKeyToPathItems(body["items"], at.child(present[0]).child("items")));
  });
  return errs;
}

function checkImageVolume(source: JsonRecord, path: FieldPath): FieldError[] {
  return isBlank(source["reference"]) ? [required(path.child("reference"), { rule: "volume.image.reference.required" })] : [];
}

function checkEmptyDir(source: JsonRecord, path: FieldPath): FieldError[] {
  const limit = parseQuantityValue(source["sizeLimit"]);
  if (!limit || signOfQuantity(limit) >= 0) return [];
  return [forbidden(path.child("sizeLimit"), { rule: "volume.emptyDir.sizeLimit.negative", detail: "SizeLimit field must be a valid resource quantity" })];
}

function checkGitRepo(source: JsonRecord, path: FieldPath): FieldError[] {
  const errs = isBlank(source["repository"]) ? [required(path.child("repository"), { rule: "volume.gitRepo.repository.required" })] : [];
  const directory = stringOf(source["directory"]);
  if (directory) errs.push(...checkLocalDescendingPath(directory, path.child("directory"), "volume.gitRepo.directory.format"));
  return errs;
}

function checkNfs(source: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isBlank(source["server"])) errs.push(required(path.child("server"), { rule: "volume.nfs.server.required" }));
  const exported = stringOf(source["path"]);
  if (isBlank(source["path"])) errs.push(required(path.child("path"), { rule: "volume.nfs.path.required" }));
  else if (exported !== undefined && !exported.startsWith("/")) errs.push(invalid(path.child("path"), exported, { rule: "volume.nfs.path.absolute", detail: "must be an absolute path" }));
  return errs;
}
