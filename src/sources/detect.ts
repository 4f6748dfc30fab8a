// Which cloud am I on? In order: a provider endpoint the configuration names (an
// emulator, or a user's override), then DMI strings (no network), then a short network
// probe of the metadata address, bounded so a wrong guess costs at most a second.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AZURE_INSTANCE_PATH, AZURE_REQUEST_HEADERS, azureEndpointFor } from "./azure.js";
import { ec2EndpointFor } from "./ec2.js";
import { GCE_FLAVOR, GCE_FLAVOR_HEADER, GCE_REQUEST_HEADERS, gceEndpointFor } from "./gce.js";
import { fetchBytes, headerValue, normalizeEndpoint, type FetchResult } from "./http-fetch.js";
import { IMDS_TOKEN_PATH, IMDS_TTL_HEADER } from "./imds-token.js";
import { DEFAULT_DMI_ROOT, LINK_LOCAL_METADATA_ENDPOINT, type SourceOptions } from "./source-options.js";

export type Platform = "gce" | "ec2" | "azure";

export interface Detection {
  platform: Platform | undefined;
  /** Why: the evidence, for the log line. */
  reason: string;
}

const DEFAULT_PROBE_TIMEOUT_MS = 1000;
/** The probe's IMDSv2 token is thrown away: the shortest-lived one that proves the protocol. */
const PROBE_TOKEN_TTL_SEC = 60;
/** cloud-init ds-identify: Azure's fixed chassis asset tag. */
const AZURE_CHASSIS_ASSET_TAG = "7783-7084-3265-9085-8269-3286-77";
const DMI_FIELDS = ["product_name", "sys_vendor", "bios_vendor", "board_asset_tag", "chassis_asset_tag"] as const;
type DmiField = (typeof DMI_FIELDS)[number];

function readDmi(root: string): Partial<Record<DmiField, string>> {
  const values: Partial<Record<DmiField, string>> = {};
  for (const field of DMI_FIELDS) {
    try {
      values[field] = readFileSync(join(root, field), "utf8").trim();
    } catch (err) {
      // Missing or unreadable fields are simply no evidence (containers, non-x86 boards).
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "EACCES" && code !== "ENOTDIR" && code !== "EPERM") throw err;
    }
  }
  return values;
}

/** A configured provider endpoint decides, as GCE_METADATA_HOST does for Google's clients. */
export function detectFromConfiguration(options: SourceOptions): Detection | undefined {
  if (options.gceMetadataHost !== undefined) return { platform: "gce", reason: "GCE_METADATA_HOST is set" };
  if (options.ec2MetadataEndpoint !== undefined) return { platform: "ec2", reason: "AWS_EC2_METADATA_SERVICE_ENDPOINT is set" };
  if (options.azureMetadataEndpoint !== undefined) return { platform: "azure", reason: "ROWER_AZURE_METADATA_ENDPOINT is set" };
  return undefined;
}

/** DMI signals after cloud-init's ds-identify, systemd's virt table and AWS's own guide. */
export function detectFromDmi(root: string = DEFAULT_DMI_ROOT): Detection | undefined {
  const dmi = readDmi(root);
  const says = (field: DmiField, pattern: RegExp): boolean => pattern.test(dmi[field] ?? "");
  if (says("product_name", /^Google( Compute Engine)?$/) || says("sys_vendor", /^Google$/) || says("bios_vendor", /Google/)) {
    return { platform: "gce", reason: `DMI product_name=${JSON.stringify(dmi.product_name ?? "")} bios_vendor=${JSON.stringify(dmi.bios_vendor ?? "")}` };
  }
  if (says("board_asset_tag", /^i-[0-9a-f]{8,}$/) || says("sys_vendor", /^Amazon EC2$/) || says("bios_vendor", /^Amazon EC2$/) || says("product_name", /^Amazon EC2$/)) {
    return { platform: "ec2", reason: `DMI sys_vendor=${JSON.stringify(dmi.sys_vendor ?? "")} board_asset_tag=${JSON.stringify(dmi.board_asset_tag ?? "")}` };
  }
  if (dmi.chassis_asset_tag === AZURE_CHASSIS_ASSET_TAG) {
    return { platform: "azure", reason: `DMI chassis_asset_tag=${AZURE_CHASSIS_ASSET_TAG}` };
  }
  return undefined;
}

function identify(platform: Platform, result: FetchResult): boolean {
  if (!result.ok || result.status !== 200) return false;
  if (platform === "gce") return headerValue(result.headers, GCE_FLAVOR_HEADER) === GCE_FLAVOR;
  return result.bytes.byteLength > 0;
}

/** Asks the metadata address in each provider's dialect at once; the first proper answer wins. */
export async function probePlatform(options: SourceOptions, signal: AbortSignal): Promise<Detection> {
  const endpoint = normalizeEndpoint(options.endpoint ?? LINK_LOCAL_METADATA_ENDPOINT);
  const budgetMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const done = new AbortController();
  const probeSignal = AbortSignal.any([signal, done.signal, AbortSignal.timeout(budgetMs)]);
  const requests: Record<Platform, { url: string; method: "GET" | "PUT"; headers: Record<string, string> }> = {
    gce: { url: gceEndpointFor(endpoint, ""), method: "GET", headers: { ...GCE_REQUEST_HEADERS } },
    ec2: { url: ec2EndpointFor(endpoint, IMDS_TOKEN_PATH), method: "PUT", headers: { [IMDS_TTL_HEADER]: String(PROBE_TOKEN_TTL_SEC) } },
    azure: { url: azureEndpointFor(endpoint, AZURE_INSTANCE_PATH, "json"), method: "GET", headers: { ...AZURE_REQUEST_HEADERS } },
  };
  const attempts = (Object.keys(requests) as Platform[]).map(async (platform) => {
    const request = requests[platform];
    const result = await fetchBytes({ ...request, signal: probeSignal, maxBytes: 65_536, connectTimeoutMs: budgetMs, responseTimeoutMs: budgetMs }).catch(
      (err: unknown) => {
        if (probeSignal.aborted) return undefined;
        throw err;
      },
    );
    if (result === undefined || !identify(platform, result)) throw new Error(`${platform}: no answer`);
    return platform;
  });
  try {
    const platform = await Promise.any(attempts);
    return { platform, reason: `${endpoint} answered the ${platform} metadata protocol` };
  } catch (err) {
    signal.throwIfAborted();
    if (!(err instanceof AggregateError)) throw err;
    return { platform: undefined, reason: `no metadata server answered at ${endpoint} within ${budgetMs} ms` };
  } finally {
    done.abort();
    await Promise.allSettled(attempts);
  }
}

/** Everything that needs no network, in order; undefined when only a probe can tell. */
export function detectWithoutNetwork(options: SourceOptions): Detection | undefined {
  return detectFromConfiguration(options) ?? detectFromDmi(options.dmiRoot ?? DEFAULT_DMI_ROOT);
}

export async function detectPlatform(options: SourceOptions, signal: AbortSignal): Promise<Detection> {
  return detectWithoutNetwork(options) ?? probePlatform(options, signal);
}
