// Volume defaults validation reads (pkg/apis/core/v1/defaults.go SetDefaults_Volume and the
// per-source SetDefaults_*VolumeSource): a volume naming no source is an emptyDir; a projected
// token lives 3600 s; an azureDisk is a Shared blob disk; an image volume's pull policy
// follows its tag. Defaults no check reads (file modes, rbd pool, iscsi interface) are left out.
import { isSet, type JsonRecord } from "../semantics/read-json.js";
import { presentVolumeSources } from "../semantics/volume-sources.js";
import { defaultFieldSelector, defaultPullPolicy } from "./default-container.js";
import { isUnsetString, mapField, mapRecords, withChanges } from "./copy-on-write.js";

const DEFAULT_TOKEN_SECONDS = 3600;

const downwardItems = (source: JsonRecord): JsonRecord => {
  const items = mapRecords(source["items"], (item) => mapField(item, "fieldRef", defaultFieldSelector));
  return items === source["items"] ? source : { ...source, items };
};

function defaultProjection(projection: JsonRecord): JsonRecord {
  const token = (t: JsonRecord): JsonRecord => (isSet(t["expirationSeconds"]) ? t : { ...t, expirationSeconds: DEFAULT_TOKEN_SECONDS });
  return mapField(mapField(projection, "serviceAccountToken", token), "downwardAPI", downwardItems);
}

function defaultProjected(source: JsonRecord): JsonRecord {
  const out = source;
  const sources = mapRecords(out["sources"], defaultProjection);
  return sources === out["sources"] ? out : { ...out, sources };
}

const SOURCE_DEFAULTS: Readonly<Partial<Record<string, (source: JsonRecord) => JsonRecord>>> = {
  downwardAPI: downwardItems,
  projected: defaultProjected,
  azureDisk: (s) => withChanges(s, {
    ...(isSet(s["cachingMode"]) ? {} : { cachingMode: "ReadWrite" }),
    ...(isSet(s["kind"]) ? {} : { kind: "Shared" }),
  }),
  image: (s) => (isUnsetString(s["pullPolicy"]) ? { ...s, pullPolicy: defaultPullPolicy(s["reference"]) } : s),
};

export function defaultVolume(volume: JsonRecord): JsonRecord {
  const present = presentVolumeSources(volume);
  if (present.length === 0) return { ...volume, emptyDir: {} };
  let out = volume;
  for (const source of present) {
    const fn = SOURCE_DEFAULTS[source];
    if (fn !== undefined) out = mapField(out, source, fn);
  }
  return out;
}
