// Azure IMDS userData: `Metadata: true`, a pinned api-version, the value base64 as Azure
// returns it, polled (IMDS has no long poll). 404 and 410 mean IMDS is still updating:
// transient errors, never "absent" (an unset userData is an empty 200).
import { fetchBytes, normalizeEndpoint } from "./http-fetch.js";
import { pollRevisions } from "./poll-revisions.js";
import { presentPayload } from "./revision.js";
import type { Payload, Source, SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  silentLog,
  type SourceOptions,
} from "./source-options.js";

export const AZURE_DEFAULT_ENDPOINT = "http://169.254.169.254";
/** userData exists from api-version 2021-01-01 on. */
export const AZURE_API_VERSION = "2021-01-01";
export const AZURE_USER_DATA_PATH = "/metadata/instance/compute/userData";
/** "User Data for Azure Virtual Machine": at most 64 KB, base64-encoded. */
export const AZURE_MAX_USER_DATA_BYTES = 65_536;

export class AzureSource implements Source {
  readonly kind = "azure";
  readonly name = "azure:userData";
  private readonly url: string;

  constructor(private readonly options: SourceOptions) {
    const endpoint = normalizeEndpoint(options.endpoint ?? options.azureMetadataEndpoint ?? AZURE_DEFAULT_ENDPOINT);
    this.url = `${endpoint}${AZURE_USER_DATA_PATH}?api-version=${AZURE_API_VERSION}&format=text`;
  }

  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    const result = await fetchBytes({
      url: this.url,
      headers: { Metadata: "true" },
      signal,
      maxBytes: AZURE_MAX_USER_DATA_BYTES,
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      responseTimeoutMs: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    });
    if (!result.ok) return sourceError(this.name, result.errorKind, result.message, result.status);
    if (result.status !== 200) return sourceError(this.name, "http-status", `IMDS answered ${result.status}`, result.status);
    const text = Buffer.from(result.bytes).toString("latin1").trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      return sourceError(this.name, "protocol", "userData is not base64");
    }
    return presentPayload(this.name, new Uint8Array(Buffer.from(text, "base64")));
  }

  watch(signal: AbortSignal): AsyncGenerator<Payload | SourceError> {
    return pollRevisions((s) => this.read(s), {
      intervalMs: this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      log: this.options.log ?? silentLog,
      signal,
    });
  }

}
