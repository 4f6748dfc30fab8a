// Defaults of the CLI contract that several layers need (DESIGN.md, "CLI contract"). A leaf:
// decode, sources, config and the CLI all import it, so each value is typed once.

/** The metadata key (GCE attribute, EC2 tag) holding the pods. */
export const DEFAULT_METADATA_KEY = "kube-pods";

/** `--max-bytes`: 512 KiB, above every provider's own limit (GCE 256 KiB), well below anything that hurts. */
export const DEFAULT_MAX_BYTES = 524_288;

/** The kubelet's staticPodPath on the VMs rower is made for. */
export const DEFAULT_MANIFEST_DIR = "/etc/kubernetes/manifests";

/** tmpfs: the state is about this boot's daemon. */
export const DEFAULT_STATE_DIR = "/run/rower";

/** EC2, Azure and url sources poll this often (GCE long-polls instead). */
export const DEFAULT_POLL_INTERVAL_MS = 10_000;

/** `--coalesce`: changes within this long after an applied change are coalesced to the latest (a flapping key cannot restart pods in a tight loop). */
export const DEFAULT_COALESCE_MS = 1_000;

/** EC2 Ignition user-data: the storage.files entry holding the pods. */
export const DEFAULT_IGNITION_PATH = "/etc/rower/kube-pods.yaml";
