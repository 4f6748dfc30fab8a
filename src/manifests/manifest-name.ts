// The manifest file a pod lives in: `<name>.yaml`, or `<namespace>_<name>.yaml` outside
// `default`. Names are validated DNS-1123 subdomains, which never contain `_` or `/`, so
// the mapping is one-to-one and nothing can escape the directory.
export const DEFAULT_NAMESPACE = "default";

export function manifestFileName(name: string, namespace: string | undefined): string {
  const ns = namespace === undefined || namespace === "" ? DEFAULT_NAMESPACE : namespace;
  return ns === DEFAULT_NAMESPACE ? `${name}.yaml` : `${ns}_${name}.yaml`;
}
