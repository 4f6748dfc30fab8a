// The in-tree (mostly storage-backend) volume sources' own checks, as validation.go's
// validate<Source>VolumeSource functions make them. A static pod may still use most of them.
import type { FieldError } from "../../errors/field-error.js";
import { invalid, required, tooLong, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkDns1123Label, checkDns1123Subdomain } from "./name-formats.js";
import { arrayOf, isBlank, isSet, numberOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";

const PARTITION_RANGE = "must be between 1 and 255, inclusive";
const LUN_RANGE = "must be between 0 and 255, inclusive";
const IQN = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const EUI = /^eui.[A-Za-z0-9]{16}$/;
const NAA = /^naa.[A-Za-z0-9]{32}$/;

const need = (source: JsonRecord, field: string, path: FieldPath, rule: string, detail?: string): FieldError[] =>
  isBlank(source[field]) ? [required(path.child(field), { rule, ...(detail === undefined ? {} : { detail }) })] : [];

function partition(source: JsonRecord, path: FieldPath, rule: string): FieldError[] {
  const n = numberOf(source["partition"]) ?? 0;
  return n < 0 || n > 255 ? [invalid(path.child("partition"), n, { rule, detail: PARTITION_RANGE })] : [];
}

/** iqn.…, eui.…, naa.… (validateISCSIVolumeSource): the prefix, then that prefix's own format. */
function iscsiNameErrors(value: string, path: FieldPath, rule: string, prefixDetail: string): FieldError[] {
  const prefix = ["iqn", "eui", "naa"].find((p) => value.startsWith(p));
  if (prefix === undefined) return [invalid(path, value, { rule, detail: prefixDetail })];
  const re = prefix === "iqn" ? IQN : prefix === "eui" ? EUI : NAA;
  return re.test(value) ? [] : [invalid(path, value, { rule, detail: "must be valid format" })];
}

function checkIscsi(s: JsonRecord, path: FieldPath, volumeName: string, volumePath: FieldPath): FieldError[] {
  const errs = need(s, "targetPortal", path, "volume.iscsi.targetPortal.required");
  const iqn = stringOf(s["iqn"]) ?? "";
  if (iqn === "") errs.push(required(path.child("iqn"), { rule: "volume.iscsi.iqn.required" }));
  else errs.push(...iscsiNameErrors(iqn, path.child("iqn"), "volume.iscsi.iqn.format", "must be valid format starting with iqn, eui, or naa"));
  const lun = numberOf(s["lun"]) ?? 0;
  if (lun < 0 || lun > 255) errs.push(invalid(path.child("lun"), lun, { rule: "volume.iscsi.lun.range", detail: LUN_RANGE }));
  if ((s["chapAuthDiscovery"] === true || s["chapAuthSession"] === true) && !isSet(s["secretRef"])) {
    errs.push(required(path.child("secretRef"), { rule: "volume.iscsi.secretRef.required" }));
  }
  const initiator = stringOf(s["initiatorName"]);
  if (initiator !== undefined) {
    // Go reports these on `initiatorname`, lower case.
    errs.push(...iscsiNameErrors(initiator, path.child("initiatorname"), "volume.iscsi.initiatorName.format", "must be valid format starting with iqn, eui, or naa"));
    if (`${volumeName}:${stringOf(s["targetPortal"]) ?? ""}`.length > 64) {
      errs.push(invalid(volumePath.child("name"), volumeName, {
        rule: "volume.iscsi.name.tooLong", detail: "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.",
      }));
    }
  }
  return errs;
}

function checkFc(s: JsonRecord, path: FieldPath): FieldError[] {
  const wwns = arrayOf(s["targetWWNs"]);
  const wwids = arrayOf(s["wwids"]);
  const errs: FieldError[] = [];
  if (wwns.length < 1 && wwids.length < 1) errs.push(required(path.child("targetWWNs"), { rule: "volume.fc.target.required", detail: "must specify either targetWWNs or wwids, but not both" }));
  if (wwns.length !== 0 && wwids.length !== 0) errs.push(invalid(path.child("targetWWNs"), wwns, { rule: "volume.fc.target.both", detail: "targetWWNs and wwids can not be specified simultaneously" }));
  if (wwns.length !== 0) {
    const lun = numberOf(s["lun"]);
    if (!isSet(s["lun"])) errs.push(required(path.child("lun"), { rule: "volume.fc.lun.required", detail: "lun is required if targetWWNs is specified" }));
    else if (lun !== undefined && (lun < 0 || lun > 255)) errs.push(invalid(path.child("lun"), lun, { rule: "volume.fc.lun.range", detail: LUN_RANGE }));
  }
  return errs;
}

function checkQuobyte(s: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const registry = stringOf(s["registry"]) ?? "";
  const hostPorts = "must be a host:port pair or multiple pairs separated by commas";
  if (registry === "") errs.push(required(path.child("registry"), { rule: "volume.quobyte.registry.required", detail: hostPorts }));
  else if ((stringOf(s["tenant"]) ?? "").length >= 65) {
    errs.push(required(path.child("tenant"), { rule: "volume.quobyte.tenant.tooLong", detail: "must be a UUID and may not exceed a length of 64 characters" }));
  } else {
    for (const pair of registry.split(",")) {
      if (!isHostPort(pair)) errs.push(invalid(path.child("registry"), registry, { rule: "volume.quobyte.registry.format", detail: hostPorts }));
    }
  }
  return [...errs, ...need(s, "volume", path, "volume.quobyte.volume.required")];
}

/** net.SplitHostPort succeeds: `host:port` or `[v6]:port` (the port may be empty or a name). */
function isHostPort(text: string): boolean {
  if (text.startsWith("[")) return /^\[[^\]]*\]:[^:]*$/.test(text);
  const parts = text.split(":");
  return parts.length === 2 && !/[[\]]/.test(text);
}

function checkFlocker(s: JsonRecord, path: FieldPath): FieldError[] {
  const name = stringOf(s["datasetName"]) ?? "";
  const uuid = stringOf(s["datasetUUID"]) ?? "";
  const errs: FieldError[] = [];
  if (name === "" && uuid === "") errs.push(required(path, { rule: "volume.flocker.dataset.required", detail: "one of datasetName and datasetUUID is required" }));
  if (name !== "" && uuid !== "") errs.push(invalid(path, "resource", { rule: "volume.flocker.dataset.both", detail: "datasetName and datasetUUID can not be specified simultaneously" }));
  if (name.includes("/")) errs.push(invalid(path.child("datasetName"), name, { rule: "volume.flocker.datasetName.slash", detail: "must not contain '/'" }));
  return errs;
}

function checkFlex(s: JsonRecord, path: FieldPath): FieldError[] {
  const errs = need(s, "driver", path, "volume.flexVolume.driver.required");
  for (const key of Object.keys(recordOf(s["options"]) ?? {})) {
    const slash = key.indexOf("/");
    const namespace = `.${(slash < 0 ? key : key.slice(0, slash)).toLowerCase()}`;
    if (namespace.endsWith(".kubernetes.io") || namespace.endsWith(".k8s.io")) {
      errs.push(invalid(path.child("options").key(key), key, { rule: "volume.flexVolume.options.reserved", detail: "kubernetes.io and k8s.io namespaces are reserved" }));
    }
  }
  return errs;
}

const CACHING_MODES = ["None", "ReadOnly", "ReadWrite"] as const;
const DISK_KINDS = ["Dedicated", "Managed", "Shared"] as const;

function checkAzureDisk(s: JsonRecord, path: FieldPath): FieldError[] {
  const errs = [...need(s, "diskName", path, "volume.azureDisk.diskName.required"), ...need(s, "diskURI", path, "volume.azureDisk.diskURI.required")];
  const caching = stringOf(s["cachingMode"]);
  if (caching !== undefined && !(CACHING_MODES as readonly string[]).includes(caching)) errs.push(unsupported(path.child("cachingMode"), caching, CACHING_MODES, { rule: "volume.azureDisk.cachingMode.unsupported" }));
  const kind = stringOf(s["kind"]);
  if (kind !== undefined && !(DISK_KINDS as readonly string[]).includes(kind)) errs.push(unsupported(path.child("kind"), kind, DISK_KINDS, { rule: "volume.azureDisk.kind.unsupported" }));
  const uri = stringOf(s["diskURI"]) ?? "";
  if (kind === "Managed" && !uri.startsWith("/subscriptions/")) {
    errs.push(unsupported(path.child("diskURI"), uri, ["/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"], { rule: "volume.azureDisk.diskURI.managed" }));
  }
  if (kind !== undefined && kind !== "Managed" && !uri.startsWith("https://")) {
    errs.push(unsupported(path.child("diskURI"), uri, ["https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"], { rule: "volume.azureDisk.diskURI.blob" }));
  }
  return errs;
}

function checkStorageOs(s: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringOf(s["volumeName"]) ?? "";
  if (name === "") errs.push(required(path.child("volumeName"), { rule: "volume.storageos.volumeName.required" }));
  else for (const msg of checkDns1123Label(name)) errs.push(invalid(path.child("volumeName"), name, { rule: "volume.storageos.volumeName.format", detail: msg }));
  const ns = stringOf(s["volumeNamespace"]) ?? "";
  if (ns !== "") for (const msg of checkDns1123Label(ns)) errs.push(invalid(path.child("volumeNamespace"), ns, { rule: "volume.storageos.volumeNamespace.format", detail: msg }));
  return [...errs, ...secretRefName(s, path, "volume.storageos.secretRef.name.required")];
}

function secretRefName(s: JsonRecord, path: FieldPath, rule: string): FieldError[] {
  const ref = recordOf(s["secretRef"]);
  return ref && isBlank(ref["name"]) ? [required(path.child("secretRef").child("name"), { rule })] : [];
}

function checkCsi(s: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const driver = stringOf(s["driver"]) ?? "";
  if (driver === "") errs.push(required(path.child("driver"), { rule: "volume.csi.driver.required" }));
  if (driver.length > 63) errs.push(tooLong(path.child("driver"), 63, { rule: "volume.csi.driver.tooLong" }));
  for (const msg of checkDns1123Subdomain(driver.toLowerCase())) errs.push(invalid(path.child("driver"), driver, { rule: "volume.csi.driver.format", detail: msg }));
  const ref = recordOf(s["nodePublishSecretRef"]);
  if (ref) {
    const name = stringOf(ref["name"]) ?? "";
    if (name === "") errs.push(required(path.child("nodePublishSecretRef").child("name"), { rule: "volume.csi.secretRef.name.required" }));
    // Go reports a bad secret name on `csi.name`.
    else for (const msg of checkDns1123Subdomain(name)) errs.push(invalid(path.child("name"), name, { rule: "volume.csi.secretRef.name.format", detail: msg }));
  }
  return errs;
}

function checkEphemeral(s: JsonRecord, path: FieldPath, podName: string, volumeName: string, volumePath: FieldPath): FieldError[] {
  if (!isSet(s["volumeClaimTemplate"])) return [required(path.child("volumeClaimTemplate"), { rule: "volume.ephemeral.template.required" })];
  // The claim is named `<pod>-<volume>` and must be a valid object name.
  if (podName === "" || volumeName === "") return [];
  const claim = `${podName}-${volumeName}`;
  return checkDns1123Subdomain(claim).map((msg) => invalid(volumePath.child("name"), volumeName, { rule: "volume.ephemeral.claimName", detail: `PVC name "${claim}": ${msg}` }));
}

export interface LegacyVolumeContext {
  volumeName: string;
  volumePath: FieldPath;
  podName: string;
}

/** The source's own checks, or undefined when `source` is not one of the legacy ones. */
export function checkLegacyVolumeSource(source: string, s: JsonRecord, path: FieldPath, ctx: LegacyVolumeContext): FieldError[] | undefined {
  switch (source) {
    case "gcePersistentDisk": return [...need(s, "pdName", path, "volume.gcePersistentDisk.pdName.required"), ...partition(s, path, "volume.gcePersistentDisk.partition.range")];
    case "awsElasticBlockStore": return [...need(s, "volumeID", path, "volume.awsElasticBlockStore.volumeID.required"), ...partition(s, path, "volume.awsElasticBlockStore.partition.range")];
    case "iscsi": return checkIscsi(s, path, ctx.volumeName, ctx.volumePath);
    case "glusterfs": return [...need(s, "endpoints", path, "volume.glusterfs.endpoints.required"), ...need(s, "path", path, "volume.glusterfs.path.required")];
    case "flocker": return checkFlocker(s, path);
    case "persistentVolumeClaim": return need(s, "claimName", path, "volume.persistentVolumeClaim.claimName.required");
    case "rbd": return [...(arrayOf(s["monitors"]).length === 0 ? [required(path.child("monitors"), { rule: "volume.rbd.monitors.required" })] : []), ...need(s, "image", path, "volume.rbd.image.required")];
    case "cinder": return [...need(s, "volumeID", path, "volume.cinder.volumeID.required"), ...secretRefName(s, path, "volume.cinder.secretRef.name.required")];
    case "cephfs": return arrayOf(s["monitors"]).length === 0 ? [required(path.child("monitors"), { rule: "volume.cephfs.monitors.required" })] : [];
    case "quobyte": return checkQuobyte(s, path);
    case "fc": return checkFc(s, path);
    case "flexVolume": return checkFlex(s, path);
    case "azureFile": return [...need(s, "secretName", path, "volume.azureFile.secretName.required"), ...need(s, "shareName", path, "volume.azureFile.shareName.required")];
    case "vsphereVolume": return need(s, "volumePath", path, "volume.vsphereVolume.volumePath.required");
    case "photonPersistentDisk": return need(s, "pdID", path, "volume.photonPersistentDisk.pdID.required");
    case "portworxVolume": return need(s, "volumeID", path, "volume.portworxVolume.volumeID.required");
    case "azureDisk": return checkAzureDisk(s, path);
    case "storageos": return checkStorageOs(s, path);
    case "scaleIO": return ["gateway", "system", "volumeName"].flatMap((f) => need(s, f, path, `volume.scaleIO.${f}.required`));
    case "csi": return checkCsi(s, path);
    case "ephemeral": return checkEphemeral(s, path, ctx.podName, ctx.volumeName, ctx.volumePath);
    default: return undefined;
  }
}
