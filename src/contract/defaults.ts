// Defaults of the CLI contract that several layers need (DESIGN.md, "CLI contract"). A leaf:
// decode, sources, config and the CLI all import it, so each value is typed once.

/** The metadata key (GCE attribute, EC2 tag) holding the pods. */
export const DEFAULT_METADATA_KEY = "kube-pods";

/** `--max-bytes`: 512 KiB, above every provider's own limit (GCE 256 KiB), well below anything that hurts. */
export const DEFAULT_MAX_BYTES = 524_288;
