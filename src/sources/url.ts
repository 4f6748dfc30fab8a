// url:URL — HTTP(S) polling with If-None-Match/ETag. An optional `#sha256=<hex>` pin
// refuses any body whose digest differs (the pin is never sent: fragments stay local).
// Redirects are not followed, and 404 is an error, not "absent": a broken link must not
// remove every pod.
import { pollRevisions } from "./poll-revisions.js";
import { fetchBytes, headerValue } from "./http-fetch.js";
import { digestBytes, presentPayload } from "./revision.js";
import { parsePinnedUrl, type PinnedUrl } from "./pinned-url.js";
import type { Payload, Source, SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  silentLog,
  type SourceOptions,
} from "./source-options.js";

export type UrlFetchOutcome = { kind: "changed"; payload: Payload; etag?: string } | { kind: "unchanged" } | SourceError;

export interface UrlFetchRequest {
  target: PinnedUrl;
  name: string;
  etag?: string;
  signal: AbortSignal;
  maxBytes: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

/** One conditional GET of a (possibly pinned) URL. */
export async function fetchPinnedUrl(request: UrlFetchRequest): Promise<UrlFetchOutcome> {
  const headers: Record<string, string> = {};
  if (request.etag !== undefined) headers["if-none-match"] = request.etag;
  const result = await fetchBytes({
    url: request.target.url,
    headers,
    signal: request.signal,
    maxBytes: request.maxBytes,
    connectTimeoutMs: request.connectTimeoutMs,
    responseTimeoutMs: request.requestTimeoutMs,
  });
  if (!result.ok) return sourceError(request.name, result.errorKind, result.message, result.status);
  if (result.status === 304 && request.etag !== undefined) return { kind: "unchanged" };
  if (result.status !== 200) return sourceError(request.name, "http-status", `server answered ${result.status}`, result.status);
  if (request.target.sha256 !== undefined) {
    const digest = digestBytes(result.bytes);
    if (digest !== request.target.sha256) {
      return sourceError(request.name, "protocol", `sha256 pin mismatch: expected ${request.target.sha256}, got ${digest}`);
    }
  }
  const etag = headerValue(result.headers, "etag");
  const payload = presentPayload(request.name, result.bytes);
  return etag === undefined ? { kind: "changed", payload } : { kind: "changed", payload, etag };
}

export class UrlSource implements Source {
  readonly kind = "url";
  readonly name: string;
  private readonly target: PinnedUrl | string;

  constructor(
    spec: string,
    private readonly options: SourceOptions,
  ) {
    this.target = parsePinnedUrl(spec);
    this.name = `url:${typeof this.target === "string" ? spec : this.target.url}`;
  }

  private async fetchCurrent(etag: string | undefined, signal: AbortSignal): Promise<UrlFetchOutcome> {
    if (typeof this.target === "string") return sourceError(this.name, "protocol", this.target);
    const request: UrlFetchRequest = {
      target: this.target,
      name: this.name,
      signal,
      maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES,
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    };
    if (etag !== undefined) request.etag = etag;
    return fetchPinnedUrl(request);
  }

  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    const outcome = await this.fetchCurrent(undefined, signal);
    if (outcome.kind === "unchanged") throw new Error("unconditional GET answered 304");
    return outcome.kind === "changed" ? outcome.payload : outcome;
  }

  watch(signal: AbortSignal): AsyncGenerator<Payload | SourceError> {
    let etag: string | undefined;
    const pollOnce = async (s: AbortSignal): Promise<Payload | SourceError | undefined> => {
      const outcome = await this.fetchCurrent(etag, s);
      if (outcome.kind === "error") {
        etag = undefined;
        return outcome;
      }
      if (outcome.kind !== "changed") return undefined;
      etag = outcome.etag;
      return outcome.payload;
    };
    return pollRevisions(pollOnce, {
      intervalMs: this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      log: this.options.log ?? silentLog,
      signal,
    });
  }

}
