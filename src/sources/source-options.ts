// Everything a provider needs, already parsed by the daemon's config module. Providers
// never read the environment: GCE_METADATA_HOST, AWS_EC2_METADATA_SERVICE_ENDPOINT and
// AWS_EC2_METADATA_DISABLED arrive here as plain values.

/** The minimal log sink providers write to; the daemon adapts its pino logger to it. */
export interface SourceLog {
  info(event: string, fields?: object): void;
  warn(event: string, fields?: object): void;
  debug?(event: string, fields?: object): void;
}

export interface SourceOptions {
  /** Metadata key (GCE attribute, EC2 tag, MIME part name). Default `kube-pods`. */
  key?: string;
  /** `--metadata-endpoint`: overrides the selected provider's endpoint. */
  endpoint?: string;
  /** GCE_METADATA_HOST (`host[:port]`, or a URL). */
  gceMetadataHost?: string;
  /** AWS_EC2_METADATA_SERVICE_ENDPOINT (a URL). */
  ec2MetadataEndpoint?: string;
  /** AWS_EC2_METADATA_DISABLED set to anything but `false`: never contact IMDS. */
  ec2MetadataDisabled?: boolean;
  /** ROWER_AZURE_METADATA_ENDPOINT (a URL), printed by `rower emulate azure`. */
  azureMetadataEndpoint?: string;
  /** Poll interval of ec2, azure and url sources (jittered ±10%). Default 10 s. */
  pollIntervalMs?: number;
  /** Cap of url and file payloads (`--max-bytes`). Default: the contract's DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /** GCE: fall back to the project attribute when the instance has none. Default true. */
  projectFallback?: boolean;
  /** GCE: `timeout_sec` of a long poll. Default 60, like Google's guest agent. */
  gceWaitTimeoutSec?: number;
  /** EC2: allow IMDSv1 when the token PUT is refused. Default false. */
  imdsv1?: boolean;
  /** EC2: IMDSv2 token TTL in seconds, 1..21600. Default 21600. */
  ec2TokenTtlSec?: number;
  /** EC2 Ignition user-data: the `storage.files` path holding the spec. */
  ignitionPath?: string;
  /** Where DMI strings live (tests pass a temp dir). Default `/sys/class/dmi/id`. */
  dmiRoot?: string;
  /** Connect timeout of every request. Default 1000 ms. */
  connectTimeoutMs?: number;
  /** Time allowed for a (non-long-poll) response. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** file: quiet period before re-reading after a change. Default 100 ms. */
  debounceMs?: number;
  /** auto: budget of the network probe when DMI says nothing. Default 1000 ms. */
  probeTimeoutMs?: number;
  /**
   * `--trust`: read the detached signature with the value, as one revision: GCE attribute
   * `<key>-signature` in the same directory answer, EC2 tag `<key>-signature`, `PATH.sig`, `URL.sig`.
   */
  signatures?: boolean;
  log?: SourceLog;
  /** Clock for token expiry (tests); default Date.now. */
  now?: () => number;
}

/** The detached signature of key K lives at K + this (GCE attribute, EC2 tag). */
export const SIGNATURE_KEY_SUFFIX = "-signature";
/** The detached signature of a file or URL is the same path + this. */
export const SIGNATURE_FILE_SUFFIX = ".sig";
/** A signature is 88 characters of base64; a larger answer in its place is not one. */
export const MAX_SIGNATURE_BYTES = 4096;
export const DEFAULT_DMI_ROOT = "/sys/class/dmi/id";
export const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
/** GCE, EC2 and Azure all answer at the link-local address (GCE also as metadata.google.internal). */
export const LINK_LOCAL_METADATA_ENDPOINT = "http://169.254.169.254";
/** Added to every staleAfterMs beyond the source's own timeouts: scheduling, transfer, a busy event loop. */
export const STALE_SLACK_MS = 5000;

/** The timeouts of every request that is not a long poll, defaults applied, as fetchBytes takes them. */
export interface RequestTimeouts {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

export function requestTimeoutsOf(options: SourceOptions): RequestTimeouts {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    responseTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
}

/** The longest one such request may take: a poll of N requests may take N times this. */
export function requestBudgetMs(timeouts: RequestTimeouts): number {
  return timeouts.connectTimeoutMs + timeouts.responseTimeoutMs;
}

/** A sink that drops everything, for callers that pass no log. */
export const silentLog: SourceLog = { info() {}, warn() {} };
