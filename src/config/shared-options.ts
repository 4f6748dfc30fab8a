// Declares the options run and diff share (diff reads the source and the directory as a sync
// would, but serves nothing, logs nothing and waits for nothing, so the daemon-only options are
// not offered there). No defaults are given to commander: an unset flag must let its
// `ROWER_*` variable through, and parseConfig applies defaults.
import { Option, type Command } from "commander";
import { DEFAULT_IGNITION_PATH, DEFAULT_MANIFEST_DIR, DEFAULT_MAX_BYTES, DEFAULT_METADATA_KEY, DEFAULT_STATE_DIR } from "../contract/defaults.js";

type Scope = "run" | "diff";

const OPTIONS: Array<{ option: () => Option; runOnly?: true }> = [
  { option: () => new Option("--source <spec>", "where pods come from: auto, gce, ec2, azure, file:PATH, url:URL (ROWER_SOURCE, default auto)") },
  { option: () => new Option("--key <name>", `metadata key holding the pods (ROWER_KEY, default ${DEFAULT_METADATA_KEY})`) },
  { option: () => new Option("--manifest-dir <dir>", `the kubelet's static-pod directory (ROWER_MANIFEST_DIR, default ${DEFAULT_MANIFEST_DIR})`) },
  { option: () => new Option("--metadata-endpoint <url>", "metadata server base URL or HOST:PORT (else GCE_METADATA_HOST, AWS_EC2_METADATA_SERVICE_ENDPOINT, ROWER_AZURE_METADATA_ENDPOINT)") },
  { option: () => new Option("--poll-interval <duration>", "poll cadence for ec2/azure/url, e.g. 500ms, 10s, 5m (ROWER_POLL_INTERVAL, default 10s)"), runOnly: true },
  { option: () => new Option("--listen <addr>", "serve /healthz, /readyz, /metrics; loopback unless a host is given (ROWER_LISTEN, default off)"), runOnly: true },
  { option: () => new Option("--log-format <format>", "json or text (ROWER_LOG_FORMAT, default json unless stderr is a TTY)"), runOnly: true },
  { option: () => new Option("--state-dir <dir>", `where the state file lives (ROWER_STATE_DIR, default ${DEFAULT_STATE_DIR})`) },
  { option: () => new Option("--node-name <name>", "node name appended to mirror pod names (ROWER_NODE_NAME, default host name)") },
  { option: () => new Option("--max-bytes <n>", `decoded payload cap in bytes (ROWER_MAX_BYTES, default ${DEFAULT_MAX_BYTES})`) },
  { option: () => new Option("--keep-on-absent", "keep rower's files when the key is absent (ROWER_KEEP_ON_ABSENT)") },
  {
    option: () => new Option("--absent-confirm <duration>", "a change removing every rower pod waits for a second read this much later that agrees; 0 disables (ROWER_ABSENT_CONFIRM, default 1s)"),
    runOnly: true,
  },
  {
    option: () => new Option("--coalesce <duration>", "changes arriving this soon after an applied change wait out the window and only the latest is applied; 0 applies each at once (ROWER_COALESCE, default 1s)"),
    runOnly: true,
  },
  { option: () => new Option("--no-project-fallback", "GCE: do not fall back to project attributes") },
  { option: () => new Option("--imdsv1", "EC2: allow IMDSv1 when no session token can be had") },
  { option: () => new Option("--ignition-path <path>", `EC2 Ignition user-data: the file holding the pods (default ${DEFAULT_IGNITION_PATH})`) },
  {
    option: () => new Option("--trust <public-key>", "apply only values signed by this Ed25519 key (rower.pub); repeat for several (ROWER_TRUST, comma-separated, default none)")
      .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
  },
  { option: () => new Option("--kubelet <url>", "read the kubelet's /pods over mTLS and report each pod's state, e.g. https://127.0.0.1:10250 (ROWER_KUBELET, default off)"), runOnly: true },
  { option: () => new Option("--kubelet-cert <file>", "client certificate for --kubelet (ROWER_KUBELET_CERT)"), runOnly: true },
  { option: () => new Option("--kubelet-key <file>", "client key for --kubelet (ROWER_KUBELET_KEY)"), runOnly: true },
  { option: () => new Option("--kubelet-ca <file>", "CA that signed the kubelet's serving certificate (ROWER_KUBELET_CA)"), runOnly: true },
  {
    option: () => new Option("--report-guest-attributes", "GCE: publish a status document as the guest attribute rower/status (ROWER_REPORT_GUEST_ATTRIBUTES, default off)"),
    runOnly: true,
  },
  { option: () => new Option("--policy <file>", "local admission policy every pod must pass; reloaded when it changes (ROWER_POLICY, default none)") },
];

export function addSharedOptions(command: Command, scope: Scope): Command {
  for (const { option, runOnly } of OPTIONS) if (scope === "run" || !runOnly) command.addOption(option());
  return command;
}
