// The options shared by run, diff and status, with the environment variable behind each.
// Kept free of zod and commander so the CLI can import it cheaply.

export interface OptionName {
  /** The commander attribute name (camelCase). */
  key: string;
  flag: string;
  env?: string;
}

export const SHARED_OPTIONS = {
  source: { key: "source", flag: "--source", env: "ROWER_SOURCE" },
  key: { key: "key", flag: "--key", env: "ROWER_KEY" },
  manifestDir: { key: "manifestDir", flag: "--manifest-dir", env: "ROWER_MANIFEST_DIR" },
  metadataEndpoint: { key: "metadataEndpoint", flag: "--metadata-endpoint" },
  pollInterval: { key: "pollInterval", flag: "--poll-interval", env: "ROWER_POLL_INTERVAL" },
  listen: { key: "listen", flag: "--listen", env: "ROWER_LISTEN" },
  logFormat: { key: "logFormat", flag: "--log-format", env: "ROWER_LOG_FORMAT" },
  stateDir: { key: "stateDir", flag: "--state-dir", env: "ROWER_STATE_DIR" },
  nodeName: { key: "nodeName", flag: "--node-name", env: "ROWER_NODE_NAME" },
  maxBytes: { key: "maxBytes", flag: "--max-bytes", env: "ROWER_MAX_BYTES" },
  keepOnAbsent: { key: "keepOnAbsent", flag: "--keep-on-absent", env: "ROWER_KEEP_ON_ABSENT" },
  absentConfirm: { key: "absentConfirm", flag: "--absent-confirm", env: "ROWER_ABSENT_CONFIRM" },
  coalesce: { key: "coalesce", flag: "--coalesce", env: "ROWER_COALESCE" },
  projectFallback: { key: "projectFallback", flag: "--no-project-fallback" },
  imdsv1: { key: "imdsv1", flag: "--imdsv1" },
  ignitionPath: { key: "ignitionPath", flag: "--ignition-path" },
  policy: { key: "policy", flag: "--policy", env: "ROWER_POLICY" },
  trust: { key: "trust", flag: "--trust", env: "ROWER_TRUST" },
  kubelet: { key: "kubelet", flag: "--kubelet", env: "ROWER_KUBELET" },
  kubeletCert: { key: "kubeletCert", flag: "--kubelet-cert", env: "ROWER_KUBELET_CERT" },
  kubeletKey: { key: "kubeletKey", flag: "--kubelet-key", env: "ROWER_KUBELET_KEY" },
  kubeletCa: { key: "kubeletCa", flag: "--kubelet-ca", env: "ROWER_KUBELET_CA" },
  reportGuestAttributes: { key: "reportGuestAttributes", flag: "--report-guest-attributes", env: "ROWER_REPORT_GUEST_ATTRIBUTES" },
} as const satisfies Record<string, OptionName>;

export type SharedOptionKey = keyof typeof SHARED_OPTIONS;

/** Environment variables the cloud SDKs define; rower honours them the same way. */
export const GCE_METADATA_HOST = "GCE_METADATA_HOST";
export const AWS_EC2_METADATA_SERVICE_ENDPOINT = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
export const AWS_EC2_METADATA_DISABLED = "AWS_EC2_METADATA_DISABLED";
/** Printed by `rower emulate azure`; Azure's SDKs have no such variable. */
export const ROWER_AZURE_METADATA_ENDPOINT = "ROWER_AZURE_METADATA_ENDPOINT";
