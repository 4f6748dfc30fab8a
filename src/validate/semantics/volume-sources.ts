// Every volume source a v1 Volume may name, in the order validateVolumeSource checks them:
// the first present is the volume's source, every later one is "may not specify more than 1
// volume type". `reportedAs` is the path segment Go prints for the extra source (its own typos
// included), `checkedAs` the one it validates the source's fields under.
import type { Mapping } from "../../guards/is-mapping.js";
import { isSet } from "./read-json.js";

const VOLUME_SOURCES = [
  "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
  "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc",
  "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk",
  "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
] as const;

export type VolumeSourceName = (typeof VOLUME_SOURCES)[number];

const SOURCE_ORDER: ReadonlyMap<string, number> = new Map(VOLUME_SOURCES.map((source, i) => [source, i]));

/**
 * The sources a volume sets, in VOLUME_SOURCES order. A volume has a name and a source or
 * two: its own keys are looked up, rather than each of the thirty sources probed.
 */
export function presentVolumeSources(volume: Mapping): VolumeSourceName[] {
  const present: VolumeSourceName[] = [];
  for (const key of Object.keys(volume)) {
    if (SOURCE_ORDER.has(key) && isSet(volume[key])) present.push(key as VolumeSourceName);
  }
  if (present.length > 1) present.sort((a, b) => (SOURCE_ORDER.get(a) ?? 0) - (SOURCE_ORDER.get(b) ?? 0));
  return present;
}

/** validation.go prints `cephFS` and `downwarAPI` for these two in its "more than 1" error. */
export const REPORTED_AS: Partial<Record<VolumeSourceName, string>> = { cephfs: "cephFS", downwardAPI: "downwarAPI" };

/** validation.go validates gcePersistentDisk's fields under `persistentDisk`. */
export const CHECKED_AS: Partial<Record<VolumeSourceName, string>> = { gcePersistentDisk: "persistentDisk" };
