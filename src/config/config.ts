// The one zod schema for run/diff/status configuration. Flags win over `ROWER_*`
// variables, which win over defaults; every rejection names the option and what it accepts.
import { z } from "zod";
import { DURATION_FORMS, parseDuration } from "./duration.js";
import { LISTEN_FORMS, parseListenAddress, type ListenAddress } from "./listen-address.js";
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
  projectFallback: boolean;
  imdsv1: boolean;
  ignitionPath: string;
}

/** What the process offers besides flags and env; passed in so tests control it. */
export interface ConfigContext {
  hostname: string;
  /** Whether stderr (where logs go) is a terminal. */
  isTTY: boolean;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

const SOURCE_FORMS = "auto, gce, ec2, azure, file:PATH, url:URL";
const BOOLEAN_FORMS = "true, false, 1, 0";
const MAX_BYTES_LIMIT = 64 * 1024 * 1024;

const text = z.string({ error: "expected a value" });
const nonEmpty = text.trim().min(1, { error: "expected a non-empty value" });

function isSourceSpec(value: string): boolean {
  if (["auto", "gce", "ec2", "azure"].includes(value)) return true;
  if (value.startsWith("file:")) return value.length > "file:".length;
  if (value.startsWith("url:")) return isHttpUrl(value.slice("url:".length));
  return false;
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === "http:" || protocol === "https:";
}

// Flags arrive as booleans, environment variables as text.
const booleanText = z.unknown().transform((value, ctx): boolean => {
  if (typeof value === "boolean") return value;
  const word = String(value).trim().toLowerCase();
  if (word === "true" || word === "1") return true;
  if (word === "false" || word === "0") return false;
  ctx.addIssue({ code: "custom", message: `expected one of ${BOOLEAN_FORMS}` });
  return z.NEVER;
});

const duration = text.transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined || ms === 0) {
    ctx.addIssue({ code: "custom", message: `expected ${DURATION_FORMS} (greater than zero)` });
    return z.NEVER;
  }
  return ms;
});

const listen = text.transform((value, ctx): ListenAddress | undefined => {
  if (value.trim() === "off") return undefined;
  const address = parseListenAddress(value);
  if (!address) {
    ctx.addIssue({ code: "custom", message: `expected off or ${LISTEN_FORMS}` });
    return z.NEVER;
  }
  return address;
});

const byteCount = text.trim().regex(/^\d+$/, { error: `expected a whole number of bytes, 1 to ${MAX_BYTES_LIMIT}` })
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_BYTES_LIMIT, { error: `expected a whole number of bytes, 1 to ${MAX_BYTES_LIMIT}` }));

// A node name becomes part of every mirror pod's name, so it must be a DNS-1123 subdomain.
const nodeName = text.trim().toLowerCase().max(253, { error: "expected at most 253 characters" })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: "expected a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'",
  });

/** The schema over raw values (flag, else env, else default) keyed by option. */
const configSchema = z.object({
  source: text.trim().refine(isSourceSpec, { error: `expected one of ${SOURCE_FORMS}` }).default("auto"),
  key: text.regex(/^[A-Za-z0-9_-]{1,127}$/, { error: "expected 1-127 characters of A-Z, a-z, 0-9, '-' and '_'" })
    .default("kube-pods"),
  manifestDir: nonEmpty.default("/etc/kubernetes/manifests"),
  metadataEndpoint: text.trim().refine(isHttpUrl, { error: "expected an http:// or https:// URL" }).optional(),
  gceMetadataHost: text.trim().regex(/^[^\s/]+$/, { error: "expected HOST or HOST:PORT" }).optional(),
  ec2MetadataEndpoint: text.trim().refine(isHttpUrl, { error: "expected an http:// or https:// URL" }).optional(),
  ec2MetadataDisabled: booleanText.optional(),
  azureMetadataEndpoint: text.trim().refine(isHttpUrl, { error: "expected an http:// or https:// URL" }).optional(),
  pollInterval: duration.default(10_000),
  listen: listen.optional(),
  logFormat: z.enum(["json", "text"], { error: "expected one of json, text" }).optional(),
  stateDir: nonEmpty.default("/run/rower"),
  nodeName: nodeName.optional(),
  maxBytes: byteCount.default(524_288),
  keepOnAbsent: booleanText.optional(),
  projectFallback: z.boolean().default(true),
  imdsv1: z.boolean().default(false),
  ignitionPath: nonEmpty.default("/etc/rower/kube-pods.yaml"),
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
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "");
    const where = origin[name] ?? name;
    return { ok: false, message: `invalid value ${JSON.stringify(raw[name])} for ${where}: ${issue?.message ?? "rejected"}` };
  }
  const v = parsed.data;
  const config: Config = {
    source: v.source,
    key: v.key,
    manifestDir: v.manifestDir,
    ec2MetadataDisabled: v.ec2MetadataDisabled ?? false,
    pollIntervalMs: v.pollInterval,
    logFormat: v.logFormat ?? (context.isTTY ? "text" : "json"),
    stateDir: v.stateDir,
    nodeName: v.nodeName ?? defaultNodeName(context.hostname),
    maxBytes: v.maxBytes,
    keepOnAbsent: v.keepOnAbsent ?? false,
    projectFallback: v.projectFallback,
    imdsv1: v.imdsv1,
    ignitionPath: v.ignitionPath,
  };
  if (v.metadataEndpoint !== undefined) config.metadataEndpoint = v.metadataEndpoint;
  if (v.gceMetadataHost !== undefined) config.gceMetadataHost = v.gceMetadataHost;
  if (v.ec2MetadataEndpoint !== undefined) config.ec2MetadataEndpoint = v.ec2MetadataEndpoint;
  if (v.azureMetadataEndpoint !== undefined) config.azureMetadataEndpoint = v.azureMetadataEndpoint;
  if (v.listen !== undefined) config.listen = v.listen;
  return { ok: true, config };
}

/** The kubelet's default node name is the host name, lower-cased. */
function defaultNodeName(hostname: string): string {
  const lower = hostname.trim().toLowerCase();
  return lower === "" ? "localhost" : lower;
}
