// The naming facts every layer shares: which file a pod lives in, which pod a file name
// stands for, and the annotation that marks a file as rower's. A leaf: it imports nothing.
//
// `<name>.yaml`, or `<namespace>_<name>.yaml` outside `default`. Names are validated
// DNS-1123 subdomains, which never contain `_` or `/`, so the mapping is one-to-one and
// nothing can escape the directory.
export const DEFAULT_NAMESPACE = "default";

/** Constant forever: a value that changed per revision would restart every pod. */
export const MANAGED_ANNOTATION = "rower.static/managed";
export const MANAGED_VALUE = "true";

const MANIFEST_SUFFIX = ".yaml";

/** A pod's identity as the kubelet sees it: namespace ("default" when unset) and name. */
export interface PodKey {
  namespace: string;
  name: string;
}

export function manifestFileName(name: string, namespace: string | undefined): string {
  const ns = namespace === undefined || namespace === "" ? DEFAULT_NAMESPACE : namespace;
  return ns === DEFAULT_NAMESPACE ? `${name}${MANIFEST_SUFFIX}` : `${ns}_${name}${MANIFEST_SUFFIX}`;
}

/** The inverse of manifestFileName; undefined for a name rower would never write. */
export function podKeyOfManifestFile(file: string): PodKey | undefined {
  if (!file.endsWith(MANIFEST_SUFFIX)) return undefined;
  const stem = file.slice(0, -MANIFEST_SUFFIX.length);
  const sep = stem.indexOf("_");
  if (sep < 0) return { namespace: DEFAULT_NAMESPACE, name: stem };
  return { namespace: stem.slice(0, sep), name: stem.slice(sep + 1) };
}
