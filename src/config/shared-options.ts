// Declares the options run, diff and status share. No defaults are given to commander:
// an unset flag must let its `ROWER_*` variable through, and parseConfig applies defaults.
import { Option, type Command } from "commander";

export function addSharedOptions(command: Command): Command {
  return command
    .addOption(new Option("--source <spec>", "where pods come from: auto, gce, ec2, azure, file:PATH, url:URL (ROWER_SOURCE, default auto)"))
    .addOption(new Option("--key <name>", "metadata key holding the pods (ROWER_KEY, default kube-pods)"))
    .addOption(new Option("--manifest-dir <dir>", "the kubelet's static-pod directory (ROWER_MANIFEST_DIR, default /etc/kubernetes/manifests)"))
    .addOption(new Option("--metadata-endpoint <url>", "metadata server base URL (else GCE_METADATA_HOST, AWS_EC2_METADATA_SERVICE_ENDPOINT)"))
    .addOption(new Option("--poll-interval <duration>", "poll cadence for ec2/azure/url, e.g. 500ms, 10s, 5m (ROWER_POLL_INTERVAL, default 10s)"))
    .addOption(new Option("--listen <addr>", "serve /healthz, /readyz, /metrics; loopback unless a host is given (ROWER_LISTEN, default off)"))
    .addOption(new Option("--log-format <format>", "json or text (ROWER_LOG_FORMAT, default json unless stderr is a TTY)"))
    .addOption(new Option("--state-dir <dir>", "where the state file lives (ROWER_STATE_DIR, default /run/rower)"))
    .addOption(new Option("--node-name <name>", "node name appended to mirror pod names (ROWER_NODE_NAME, default host name)"))
    .addOption(new Option("--max-bytes <n>", "decoded payload cap in bytes (ROWER_MAX_BYTES, default 524288)"))
    .addOption(new Option("--keep-on-absent", "keep rower's files when the key is absent (ROWER_KEEP_ON_ABSENT)"))
    .addOption(new Option("--absent-confirm <duration>", "a change removing all of rower's pods waits for a second read this much later that agrees; 0 disables (ROWER_ABSENT_CONFIRM, default 1s)"))
    .addOption(new Option("--no-project-fallback", "GCE: do not fall back to project attributes"))
    .addOption(new Option("--imdsv1", "EC2: allow IMDSv1 when no session token can be had"))
    .addOption(new Option("--ignition-path <path>", "EC2 Ignition user-data: the file holding the pods (default /etc/rower/kube-pods.yaml)"));
}
