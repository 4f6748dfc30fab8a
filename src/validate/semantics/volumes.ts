// Pod volumes (validation.go ValidateVolumes, validateVolumeSource and the per-source checks).
// Like the API server, a volume with any error is left out of the returned names, so mounts
// of it also report `Not found`. Runs on the defaulted pod: a volume without a source is an emptyDir.
import type { FieldError } from "../../errors/field-error.js";
import { duplicate, forbidden, invalid, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkFieldRef, checkResourceFieldRef, VOLUME_FIELD_PATHS } from "./downward-api.js";
import { parseQuantityValue, signOfQuantity } from "../quantity.js";
import { checkLegacyVolumeSource } from "./legacy-volume-sources.js";
import { checkLocalDescendingPath, checkLocalNonReservedPath, checkNoBacksteps } from "./local-paths.js";
import { checkDns1123Label } from "./name-formats.js";
import { arrayOf, isBlank, isSet, numberOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { checkSupported } from "./supported-values.js";
import { CHECKED_AS, REPORTED_AS, presentVolumeSources, type VolumeSourceName } from "./volume-sources.js";

const HOST_PATH_TYPES = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"] as const;
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;
const MAX_FILE_MODE = 0o777;

export interface CheckedVolumes {
  errors: FieldError[];
  /** The sources of the volumes that passed, by name, which mounts and devices may refer to. */
  sources: Map<string, string>;
}

export function checkVolumes(value: unknown, podName: string, path: FieldPath): CheckedVolumes {
  const errors: FieldError[] = [];
  const sources = new Map<string, string>();
  const seen = new Set<string>();
  arrayOf(value).forEach((item, i) => {
    const volume = recordOf(item);
    if (!volume) return;
    const at = path.index(i);
    const name = stringOf(volume["name"]) ?? "";
    const { errs, source } = checkVolumeSource(volume, at, name, podName);
    if (name === "") {
      if (!isSet(volume["name"]) || volume["name"] === "") errs.push(required(at.child("name"), { rule: "volume.name.required" }));
    } else {
      for (const msg of checkDns1123Label(name)) errs.push(invalid(at.child("name"), name, { rule: "volume.name.format", detail: msg }));
    }
    if (seen.has(name)) errs.push(duplicate(at.child("name"), name, { rule: "volume.name.duplicate" }));
    if (errs.length === 0) {
      seen.add(name);
      sources.set(name, source ?? "");
    }
    errors.push(...errs);
  });
  return { errors, sources };
}

function checkVolumeSource(volume: JsonRecord, path: FieldPath, volumeName: string, podName: string): { errs: FieldError[]; source: string | undefined } {
  const present = presentVolumeSources(volume);
  if (present.length === 0) return { errs: [required(path, { rule: "volume.source.required", detail: "must specify a volume type" })], source: undefined };
  const errs = present.slice(1).map((s) => forbidden(path.child(REPORTED_AS[s] ?? s), { rule: "volume.source.many", detail: "may not specify more than 1 volume type" }));
  const source = present[0] as VolumeSourceName;
  const body = recordOf(volume[source]);
  if (!body) return { errs, source };
  const at = path.child(CHECKED_AS[source] ?? source);
  const legacy = checkLegacyVolumeSource(source, body, at, { volumeName, volumePath: path, podName });
  if (legacy) errs.push(...legacy);
  switch (source) {
    case "hostPath": errs.push(...checkHostPath(body, at)); break;
    case "downwardAPI": errs.push(...checkDownwardApiVolume(body, at)); break;
    case "projected": errs.push(...checkProjected(body, at)); break;
    case "configMap": errs.push(...checkNamedKeys(body, "name", at, "volume.configMap.name.required")); break;
    case "secret": errs.push(...checkNamedKeys(body, "secretName", at, "volume.secret.secretName.required")); break;
    case "image": errs.push(...checkImageVolume(body, at)); break;
    case "nfs": errs.push(...checkNfs(body, at)); break;
    case "emptyDir": errs.push(...checkEmptyDir(body, at)); break;
    case "gitRepo": errs.push(...checkGitRepo(body, at)); break;
    default: break;
  }
  return { errs, source };
}

function checkHostPath(source: JsonRecord, path: FieldPath): FieldError[] {
  // validateHostPathVolumeSource stops at an empty path: the type is not looked at.
  if (isBlank(source["path"])) return [required(path.child("path"), { rule: "volume.hostPath.path.required" })];
  const hostPath = stringOf(source["path"]);
  const errs = hostPath === undefined ? [] : checkNoBacksteps(hostPath, path.child("path"), "volume.hostPath.path.backsteps");
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

/** A secret or configMap volume: its name, file mode, and key-to-path items. */
function checkNamedKeys(source: JsonRecord, nameField: string, path: FieldPath, rule: string): FieldError[] {
  const errs = isBlank(source[nameField]) ? [required(path.child(nameField), { rule })] : [];
  return [...errs, ...checkMode(source["defaultMode"], path.child("defaultMode")), ...checkKeyToPathItems(source["items"], path.child("items"))];
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

/** validateDownwardAPIVolumeFile; Go reports a file's errors on the source path, without `items[i]`. */
function checkDownwardApiFile(entry: JsonRecord, at: FieldPath): FieldError[] {
  const errs = [...checkItemPath(entry["path"], at.child("path"))];
  const hasField = isSet(entry["fieldRef"]);
  const hasResource = isSet(entry["resourceFieldRef"]);
  if (hasField) {
    errs.push(...checkFieldRef(entry["fieldRef"], at.child("fieldRef"), VOLUME_FIELD_PATHS));
    if (hasResource) errs.push(invalid(at, "resource", { rule: "volume.downwardAPI.item.many", detail: "fieldRef and resourceFieldRef can not be specified simultaneously" }));
  } else if (hasResource) {
    errs.push(...checkResourceFieldRef(entry["resourceFieldRef"], at.child("resourceFieldRef"), true));
  } else {
    errs.push(required(at, { rule: "volume.downwardAPI.item.none", detail: "one of fieldRef and resourceFieldRef is required" }));
  }
  return [...errs, ...checkMode(entry["mode"], at.child("mode"))];
}

function checkDownwardApiVolume(source: JsonRecord, path: FieldPath): FieldError[] {
  const errs = checkMode(source["defaultMode"], path.child("defaultMode"));
  for (const item of arrayOf(source["items"])) {
    const entry = recordOf(item);
    if (entry) errs.push(...checkDownwardApiFile(entry, path));
  }
  return errs;
}

const PROJECTIONS = ["secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle", "podCertificate"] as const;
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

/** validateProjectionSources: each source's checks, and no two files at one path. */
function checkProjected(source: JsonRecord, path: FieldPath): FieldError[] {
  const errs = checkMode(source["defaultMode"], path.child("defaultMode"));
  const paths = new Set<string>();
  const claimPath = (p: unknown, value: unknown): void => {
    const text = stringOf(p);
    if (!text) return;
    if (paths.has(text)) errs.push(invalid(path, value, { rule: "volume.projected.path.duplicate", detail: "conflicting duplicate paths" }));
    paths.add(text);
  };
  arrayOf(source["sources"]).forEach((item, i) => {
    const projection = recordOf(item);
    if (!projection) return;
    const at = path.child("sources").index(i);
    const present = PROJECTIONS.filter((p) => isSet(projection[p]));
    if (present.length === 0) {
      errs.push(required(at, { rule: "volume.projected.source.required", detail: "must specify exactly 1 of: secret, configMap, downwardAPI, serviceAccountToken, clusterTrustBundle, podCertificate" }));
    }
    if (present.length > 1) errs.push(forbidden(at, { rule: "volume.projected.source.many", detail: "may not specify more than 1 volume type per source" }));
    for (const kind of ["secret", "configMap"] as const) {
      const body = recordOf(projection[kind]);
      if (!body) continue;
      if (isBlank(body["name"])) errs.push(required(at.child(kind).child("name"), { rule: `volume.projected.${kind}.name.required` }));
      errs.push(...checkKeyToPathItems(body["items"], at.child(kind).child("items")));
      for (const entry of arrayOf(body["items"])) claimPath(recordOf(entry)?.["path"], stringOf(body["name"]) ?? "");
    }
    const downward = recordOf(projection["downwardAPI"]);
    for (const entry of arrayOf(downward?.["items"])) {
      const file = recordOf(entry);
      if (!file) continue;
      errs.push(...checkDownwardApiFile(file, at.child("downwardAPI")));
      claimPath(file["path"], file["path"]);
    }
    const token = recordOf(projection["serviceAccountToken"]);
    if (token) errs.push(...checkTokenProjection(token, at.child("serviceAccountToken"), path));
  });
  return errs;
}

function checkTokenProjection(token: JsonRecord, at: FieldPath, projectedPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seconds = numberOf(token["expirationSeconds"]);
  if (seconds !== undefined && seconds < MIN_TOKEN_SECONDS) errs.push(invalid(at.child("expirationSeconds"), seconds, { rule: "volume.projected.token.expiration.min", detail: "may not specify a duration less than 10 minutes" }));
  if (seconds !== undefined && seconds > MAX_TOKEN_SECONDS) errs.push(invalid(at.child("expirationSeconds"), seconds, { rule: "volume.projected.token.expiration.max", detail: "may not specify a duration larger than 2^32 seconds" }));
  // Go reports the token's path on the projected volume, without the source index.
  const tokenPath = stringOf(token["path"]);
  if (isBlank(token["path"])) errs.push(required(projectedPath.child("path"), { rule: "volume.projected.token.path.required" }));
  else if (tokenPath !== undefined) errs.push(...checkLocalNonReservedPath(tokenPath, projectedPath.child("path"), "volume.projected.token.path.format"));
  return errs;
}

function checkImageVolume(source: JsonRecord, path: FieldPath): FieldError[] {
  const errs = isBlank(source["reference"]) ? [required(path.child("reference"), { rule: "volume.image.reference.required" })] : [];
  return [...errs, ...checkSupported(source["pullPolicy"], PULL_POLICIES, path.child("pullPolicy"), "volume.image.pullPolicy.unsupported")];
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
  const exported = stringOf(source["path"]) ?? "";
  if (exported === "") errs.push(required(path.child("path"), { rule: "volume.nfs.path.required" }));
  // path.IsAbs("") is false too, so an empty path gets both errors.
  if (!exported.startsWith("/")) errs.push(invalid(path.child("path"), exported, { rule: "volume.nfs.path.absolute", detail: "must be an absolute path" }));
  return errs;
}
