// Azure IMDS userData: `Metadata: true`, a pinned api-version, the value base64 as Azure
// returns it, polled (IMDS has no long poll). 404 and 410 mean IMDS is still updating:
// transient errors, never "absent" (an unset userData is an empty 200).
import { DEFAULT_POLL_INTERVAL_MS } from "../contract/defaults.js";
import { fetchBytes, normalizeEndpoint } from "./http-fetch.js";
import { pollingSource } from "./polling-source.js";
import { presentPayload } from "./revision.js";
import type { Payload, Source, SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import {
  requestBudgetMs,
  requestTimeoutsOf,
  type RequestTimeouts,
  LINK_LOCAL_METADATA_ENDPOINT,
  silentLog,
  type SourceOptions,
} from "./source-options.js";

/** userData exists from api-version 2021-01-01 on. */
export const AZURE_API_VERSION = "2021-01-01";
export const AZURE_INSTANCE_PATH = "/metadata/instance";
export const AZURE_USER_DATA_PATH = `${AZURE_INSTANCE_PATH}/compute/userData`;
/** IMDS answers 400 to a request without it. */
export const AZURE_REQUEST_HEADERS: Readonly<Record<string, string>> = { Metadata: "true" };
/** "User Data for Azure Virtual Machine": at most 64 KB, base64-encoded. */
export const AZURE_MAX_USER_DATA_BYTES = 65_536;

/** Every IMDS URL: the path, the pinned api-version, and `text` for a leaf or `json` for a tree. */
export function azureEndpointFor(endpoint: string, path: string, format: "text" | "json"): string {
  return `${normalizeEndpoint(endpoint)}${path}?api-version=${AZURE_API_VERSION}&format=${format}`;
}

export class AzureSource implements Source {
  readonly kind = "azure";
  readonly name = "azure:userData";
  readonly staleAfterMs: number;
  readonly watch: Source["watch"];
  private readonly endpoint: string;
  private readonly timeouts: RequestTimeouts;

  constructor(options: SourceOptions) {
    this.endpoint = options.endpoint ?? options.azureMetadataEndpoint ?? LINK_LOCAL_METADATA_ENDPOINT;
    this.timeouts = requestTimeoutsOf(options);
    ({ staleAfterMs: this.staleAfterMs, watch: this.watch } = pollingSource((signal) => this.read(signal), {
      name: this.name,
      intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      pollTimeoutMs: requestBudgetMs(this.timeouts),
      log: options.log ?? silentLog,
    }));
  }

  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    const result = await fetchBytes({
      url: azureEndpointFor(this.endpoint, AZURE_USER_DATA_PATH, "text"),
      headers: { ...AZURE_REQUEST_HEADERS },
      signal,
      maxBytes: AZURE_MAX_USER_DATA_BYTES,
      ...this.timeouts,
    });
    if (!result.ok) return sourceError(this.name, result.errorKind, result.message, result.status);
    if (result.status !== 200) return sourceError(this.name, "http-status", `IMDS answered ${result.status}`, result.status);
    const text = Buffer.from(result.bytes).toString("latin1").trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      return sourceError(this.name, "protocol", "userData is not base64");
    }
    return presentPayload(this.name, new Uint8Array(Buffer.from(text, "base64")));
  }
}
