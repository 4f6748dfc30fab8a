// The one zod schema for run/diff/status configuration. Flags win over `ROWER_*`
// variables, which win over defaults; every rejection names the option and what it accepts.
// zod/mini: the same validator without the chainable classes, ~6 MB less resident in the daemon.
import { resolve } from "node:path";
import * as z from "zod/mini";
import {
  DEFAULT_COALESCE_MS, DEFAULT_IGNITION_PATH, DEFAULT_MANIFEST_DIR, DEFAULT_MAX_BYTES, DEFAULT_METADATA_KEY, DEFAULT_POLL_INTERVAL_MS, DEFAULT_STATE_DIR,
} from "../contract/defaults.js";
import { DURATION_FORMS, parseDuration } from "./duration.js";
import { LISTEN_FORMS, parseListenAddress, type ListenAddress } from "./listen-address.js";
import { NODE_NAME_EXPECTED, parseNodeName } from "./node-name.js";
import { parseSourceSpec, SOURCE_FORMS } from "../sources/source-spec.js";
import {
  AWS_EC2_METADATA_DISABLED,
  AWS_EC2_METADATA_SERVICE_ENDPOINT,
  GCE_METADATA_HOST,
  ROWER_AZURE_METADATA_ENDPOINT,
  SHARED_OPTIONS,
  type SharedOptionKey,
} from "./option-names.js";

export interface Config {
  /** `auto`, `gce`, `ec2`, `azure`, `file:PATH` or `url:URL`, as given. */
  source: string;
  key: string;
  manifestDir: string;
  /** `--metadata-endpoint`: overrides the provider's base URL. */
  metadataEndpoint?: string;
  /** `GCE_METADATA_HOST` (host[:port]), as gcp-metadata reads it. */
  gceMetadataHost?: string;
  /** `AWS_EC2_METADATA_SERVICE_ENDPOINT` (a URL), as the AWS SDK reads it. */
  ec2MetadataEndpoint?: string;
  ec2MetadataDisabled: boolean;
  /** `ROWER_AZURE_METADATA_ENDPOINT` (a URL), as `rower emulate azure` prints it. */
  azureMetadataEndpoint?: string;
  pollIntervalMs: number;
  /** Absent: no health/metrics server. */
  listen?: ListenAddress;
  logFormat: "json" | "text";
  stateDir: string;
  nodeName: string;
  maxBytes: number;
  keepOnAbsent: boolean;
  /** The wipe guard: a change removing every rower pod is applied only if a read this much later agrees; 0 disables. */
  absentConfirmMs: number;
  /** Changes arriving this soon after an applied change wait out the window, and only the latest is applied; 0 applies each at once. */
  coalesceMs: number;
  projectFallback: boolean;
  imdsv1: boolean;
  ignitionPath: string;
  /** `--policy`: a local admission policy file (absolute), read from disk only. */
  policy?: string;
  /** `--trust`: Ed25519 public key files (absolute); when any is given, only values signed by one of them are applied. */
  trust: string[];
  /** `--kubelet`: where to read /pods, over mTLS with these files (absolute). */
  kubelet?: KubeletEndpoint;
  /** `--report-guest-attributes`: publish the status document to the GCE metadata server. */
  reportGuestAttributes: boolean;
}

export interface KubeletEndpoint {
  url: string;
  cert: string;
  key: string;
  ca: string;
}

/** What the process offers besides flags and env; passed in so tests control it. */
export interface ConfigContext {
  hostname: string;
  /** Whether stderr (where logs go) is a terminal. */
  isTTY: boolean;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

const BOOLEAN_FORMS = "true, false, 1, 0";
const MAX_BYTES_LIMIT = 64 * 1024 * 1024;
const URL_FORMS = "an http:// or https:// URL";

/** A text option: `parse` returns the value, or undefined when the text is not one. */
function textOption<T>(parse: (text: string) => T | undefined, expected: string) {
  return z.optional(z.pipe(z.string(), z.transform((value: string, ctx): T => {
    const parsed = parse(value.trim());
    if (parsed === undefined) {
      ctx.issues.push({ code: "custom", message: `expected ${expected}`, input: value });
      return z.NEVER;
    }
    return parsed;
  })));
}

/** Repeated flag values (an array), or a comma-separated environment variable; each entry parsed alone. */
function listOption<T>(parse: (text: string) => T | undefined, expected: string) {
  return z.optional(z.pipe(z.unknown(), z.transform((value: unknown, ctx): T[] => {
    const entries = (Array.isArray(value) ? value.map(String) : String(value).split(",")).map((e) => e.trim());
    const parsed = entries.map(parse);
    if (entries.length === 0 || parsed.some((p) => p === undefined)) {
      ctx.issues.push({ code: "custom", message: `expected ${expected}`, input: value });
      return z.NEVER;
    }
    return parsed as T[];
  })));
}

/** A switch: a boolean from its flag, or one of BOOLEAN_FORMS from its environment variable. */
function switchOption() {
  return z.optional(z.pipe(z.unknown(), z.transform((value: unknown, ctx): boolean => {
    if (typeof value === "boolean") return value;
    const word = String(value).trim().toLowerCase();
    if (word === "true" || word === "1") return true;
    if (word === "false" || word === "0") return false;
    ctx.issues.push({ code: "custom", message: `expected one of ${BOOLEAN_FORMS}`, input: value });
    return z.NEVER;
  })));
}

const nonEmpty = (text: string): string | undefined => (text === "" ? undefined : text);
/** Trust material comes from local disk, never from the network: a URL is not a path. */
const localPath = (text: string): string | undefined => (text === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? undefined : text);

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === "http:" || protocol === "https:";
}

/** The spec as given, when sources/ can build a source from it (one parser for both). */
const parseSource = (value: string): string | undefined => (typeof parseSourceSpec(value) === "string" ? undefined : value);

const httpUrl = (value: string): string | undefined => (isHttpUrl(value) ? value : undefined);
const httpsUrl = (value: string): string | undefined => (URL.canParse(value) && new URL(value).protocol === "https:" ? value.replace(/\/+$/, "") : undefined);
/** A URL, or HOST[:PORT] as GCE_METADATA_HOST spells it (then plain http, as gcp-metadata does). */
const metadataEndpoint = (value: string): string | undefined =>
  isHttpUrl(value) ? value : /^[^\s/:]+(?::\d{1,5})?$|^\[[0-9a-fA-F:.]+\](?::\d{1,5})?$/.test(value) ? `http://${value}` : undefined;

/** `off` is a value of its own: an explicit "no server", even over ROWER_LISTEN. */
function parseListen(value: string): ListenAddress | "off" | undefined {
  return value === "off" ? "off" : parseListenAddress(value);
}

function parseByteCount(value: string): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const bytes = Number(value);
  return bytes >= 1 && bytes <= MAX_BYTES_LIMIT ? bytes : undefined;
}

// A node name becomes part of every mirror pod's name, so it must be a DNS-1123 subdomain.
const parseKey = (value: string): string | undefined => (/^[A-Za-z0-9_-]{1,127}$/.test(value) ? value : undefined);
const parseHostPort = (value: string): string | undefined => (/^[^\s/]+$/.test(value) ? value : undefined);
const parsePositiveDuration = (value: string): number | undefined => {
  const ms = parseDuration(value);
  return ms === undefined || ms === 0 ? undefined : ms;
};
const parseDurationOrZero = (value: string): number | undefined => (value === "0" ? 0 : parseDuration(value));
const parseLogFormat = (value: string): "json" | "text" | undefined => (value === "json" || value === "text" ? value : undefined);

/** The schema over raw values (flag, else env) keyed by option; defaults are applied after. */
const configSchema = z.object({
  source: textOption(parseSource, `one of ${SOURCE_FORMS}`),
  key: textOption(parseKey, "1-127 characters of A-Z, a-z, 0-9, '-' and '_'"),
  manifestDir: textOption(nonEmpty, "a directory path"),
  metadataEndpoint: textOption(metadataEndpoint, `${URL_FORMS}, or HOST[:PORT]`),
  gceMetadataHost: textOption(parseHostPort, "HOST or HOST:PORT"),
  ec2MetadataEndpoint: textOption(httpUrl, URL_FORMS),
  ec2MetadataDisabled: switchOption(),
  azureMetadataEndpoint: textOption(httpUrl, URL_FORMS),
  pollInterval: textOption(parsePositiveDuration, `${DURATION_FORMS} (greater than zero)`),
  listen: textOption(parseListen, `off or ${LISTEN_FORMS}`),
  logFormat: textOption(parseLogFormat, "one of json, text"),
  stateDir: textOption(nonEmpty, "a directory path"),
  nodeName: textOption(parseNodeName, NODE_NAME_EXPECTED),
  maxBytes: textOption(parseByteCount, `a whole number of bytes, 1 to ${MAX_BYTES_LIMIT}`),
  keepOnAbsent: switchOption(),
  absentConfirm: textOption(parseDurationOrZero, `0 or ${DURATION_FORMS}`),
  coalesce: textOption(parseDurationOrZero, `0 or ${DURATION_FORMS}`),
  projectFallback: switchOption(),
  imdsv1: switchOption(),
  ignitionPath: textOption(nonEmpty, "a file path"),
  policy: textOption(localPath, "a file path on local disk"),
  trust: listOption(localPath, "public key file paths on local disk (the flag repeated, or comma-separated in the variable)"),
  kubelet: textOption(httpsUrl, "an https:// URL, e.g. https://127.0.0.1:10250"),
  kubeletCert: textOption(localPath, "a file path on local disk"),
  kubeletKey: textOption(localPath, "a file path on local disk"),
  kubeletCa: textOption(localPath, "a file path on local disk"),
  reportGuestAttributes: switchOption(),
});

type RawKey = keyof z.input<typeof configSchema>;

/** Where each raw value came from, so an error can say `--poll-interval` or `ROWER_POLL_INTERVAL`. */
const ENV_ONLY: Partial<Record<RawKey, string>> = {
  gceMetadataHost: GCE_METADATA_HOST,
  ec2MetadataEndpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT,
  ec2MetadataDisabled: AWS_EC2_METADATA_DISABLED,
  azureMetadataEndpoint: ROWER_AZURE_METADATA_ENDPOINT,
};

/**
 * Parses commander's option values (`flags`) and the environment into a Config.
 * `flags` holds only what the user typed: options are declared without defaults so
 * an unset flag lets the environment speak.
 */
export function parseConfig(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  context: ConfigContext,
): ConfigResult {
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const [name, option] of Object.entries(SHARED_OPTIONS) as [SharedOptionKey, (typeof SHARED_OPTIONS)[SharedOptionKey]][]) {
    const flagValue = flags[option.key];
    const envName = "env" in option ? option.env : undefined;
    const envValue = envName === undefined ? undefined : env[envName];
    if (flagValue !== undefined) {
      raw[name] = flagValue;
      origin[name] = option.flag;
    } else if (envValue !== undefined && envValue !== "") {
      raw[name] = envValue;
      origin[name] = `${envName} (for ${option.flag})`;
    }
  }
  for (const [name, envName] of Object.entries(ENV_ONLY)) {
    const envValue = env[envName];
    if (envValue !== undefined && envValue !== "") {
      raw[name] = envValue;
      origin[name] = envName;
    }
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    // Every bad option at once, so a fix does not reveal the next one.
    const messages = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "");
      return `invalid value ${JSON.stringify(raw[name])} for ${origin[name] ?? name}: ${issue.message}`;
    });
    return { ok: false, message: messages.join("; ") };
  }
  const v = parsed.data;
  // The kubelet's mTLS files come together with --kubelet, or not at all.
  const kubeletFiles = { kubeletCert: v.kubeletCert, kubeletKey: v.kubeletKey, kubeletCa: v.kubeletCa } as const;
  const missing = Object.entries(kubeletFiles).filter(([, value]) => value === undefined).map(([name]) => SHARED_OPTIONS[name as keyof typeof kubeletFiles].flag);
  if (v.kubelet !== undefined && missing.length > 0) {
    return { ok: false, message: `${origin["kubelet"] ?? "--kubelet"} needs ${missing.join(", ")}: the kubelet answers /pods only over mTLS` };
  }
  if (v.kubelet === undefined && missing.length < 3) {
    return { ok: false, message: "--kubelet-cert, --kubelet-key and --kubelet-ca go with --kubelet URL, which is not set" };
  }
  const config: Config = {
    source: v.source ?? "auto",
    key: v.key ?? DEFAULT_METADATA_KEY,
    // Resolved once, here: `/x/md/`, `/x/md` and `md` from /x are one directory to the ownership record.
    manifestDir: resolve(v.manifestDir ?? DEFAULT_MANIFEST_DIR),
    ec2MetadataDisabled: v.ec2MetadataDisabled ?? false,
    pollIntervalMs: v.pollInterval ?? DEFAULT_POLL_INTERVAL_MS,
    logFormat: v.logFormat ?? (context.isTTY ? "text" : "json"),
    stateDir: resolve(v.stateDir ?? DEFAULT_STATE_DIR),
    nodeName: v.nodeName ?? defaultNodeName(context.hostname),
    maxBytes: v.maxBytes ?? DEFAULT_MAX_BYTES,
    keepOnAbsent: v.keepOnAbsent ?? false,
    absentConfirmMs: v.absentConfirm ?? 1_000,
    coalesceMs: v.coalesce ?? DEFAULT_COALESCE_MS,
    projectFallback: v.projectFallback ?? true,
    imdsv1: v.imdsv1 ?? false,
    ignitionPath: v.ignitionPath ?? DEFAULT_IGNITION_PATH,
    trust: (v.trust ?? []).map((path) => resolve(path)),
    reportGuestAttributes: v.reportGuestAttributes ?? false,
  };
  if (v.metadataEndpoint !== undefined) config.metadataEndpoint = v.metadataEndpoint;
  if (v.gceMetadataHost !== undefined) config.gceMetadataHost = v.gceMetadataHost;
  if (v.ec2MetadataEndpoint !== undefined) config.ec2MetadataEndpoint = v.ec2MetadataEndpoint;
  if (v.azureMetadataEndpoint !== undefined) config.azureMetadataEndpoint = v.azureMetadataEndpoint;
  if (v.listen !== undefined && v.listen !== "off") config.listen = v.listen;
  if (v.policy !== undefined) config.policy = resolve(v.policy);
  if (v.kubelet !== undefined && v.kubeletCert !== undefined && v.kubeletKey !== undefined && v.kubeletCa !== undefined) {
    config.kubelet = { url: v.kubelet, cert: resolve(v.kubeletCert), key: resolve(v.kubeletKey), ca: resolve(v.kubeletCa) };
  }
  return { ok: true, config };
}

/** The kubelet's default node name is the host name, lower-cased. */
function defaultNodeName(hostname: string): string {
  const lower = hostname.trim().toLowerCase();
  return lower === "" ? "localhost" : lower;
}
