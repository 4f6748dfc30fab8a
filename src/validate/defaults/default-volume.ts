// Volume defaults (pkg/apis/core/v1/defaults.go SetDefaults_Volume and the per-source
// SetDefaults_*VolumeSource): a volume naming no source is an emptyDir; file modes 0644;
// projected token lifetime 3600 s; and the legacy sources' own defaults.
import { isSet, type JsonRecord } from "../semantics/read-json.js";
import { VOLUME_SOURCES } from "../semantics/volume-sources.js";
import { defaultFieldSelector } from "./default-container.js";
import { isUnsetString, mapField, mapRecords, withChanges } from "./copy-on-write.js";

const DEFAULT_MODE = 0o644;
const DEFAULT_TOKEN_SECONDS = 3600;

const withDefaultMode = (source: JsonRecord): JsonRecord =>
  isSet(source["defaultMode"]) ? source : { ...source, defaultMode: DEFAULT_MODE };

const downwardItems = (source: JsonRecord): JsonRecord => {
  const items = mapRecords(source["items"], (item) => mapField(item, "fieldRef", defaultFieldSelector));
  return items === source["items"] ? source : { ...source, items };
};

function defaultProjection(projection: JsonRecord): JsonRecord {
  const token = (t: JsonRecord): JsonRecord => (isSet(t["expirationSeconds"]) ? t : { ...t, expirationSeconds: DEFAULT_TOKEN_SECONDS });
  return mapField(mapField(projection, "serviceAccountToken", token), "downwardAPI", downwardItems);
}

function defaultProjected(source: JsonRecord): JsonRecord {
  const out = withDefaultMode(source);
  const sources = mapRecords(out["sources"], defaultProjection);
  return sources === out["sources"] ? out : { ...out, sources };
}

const SOURCE_DEFAULTS: Readonly<Record<string, (source: JsonRecord) => JsonRecord>> = {
  secret: withDefaultMode,
  configMap: withDefaultMode,
  downwardAPI: (s) => downwardItems(withDefaultMode(s)),
  projected: defaultProjected,
  iscsi: (s) => withChanges(s, isUnsetString(s["iscsiInterface"]) ? { iscsiInterface: "default" } : {}),
  rbd: (s) => withChanges(s, {
    ...(isUnsetString(s["pool"]) ? { pool: "rbd" } : {}),
    ...(isUnsetString(s["user"]) ? { user: "admin" } : {}),
    ...(isUnsetString(s["keyring"]) ? { keyring: "/etc/ceph/keyring" } : {}),
  }),
  azureDisk: (s) => withChanges(s, {
    ...(isSet(s["cachingMode"]) ? {} : { cachingMode: "ReadWrite" }),
    ...(isSet(s["kind"]) ? {} : { kind: "Shared" }),
    ...(isSet(s["fsType"]) ? {} : { fsType: "ext4" }),
  }),
  scaleIO: (s) => withChanges(s, {
    ...(isUnsetString(s["storageMode"]) ? { storageMode: "ThinProvisioned" } : {}),
    ...(isUnsetString(s["fsType"]) ? { fsType: "xfs" } : {}),
  }),
};

export function defaultVolume(volume: JsonRecord): JsonRecord {
  if (!VOLUME_SOURCES.some((s) => isSet(volume[s]))) return { ...volume, emptyDir: {} };
  let out = volume;
  for (const [source, fn] of Object.entries(SOURCE_DEFAULTS)) out = mapField(out, source, fn);
  return out;
}
