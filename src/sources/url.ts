// url:URL — HTTP(S) polling with If-None-Match/ETag. An optional `#sha256=<hex>` pin
// refuses any body whose digest differs (the pin is never sent: fragments stay local).
// Redirects are not followed, and 404 is an error, not "absent": a broken link must not
// remove every pod.
import { sha256Hex } from "../digest/sha256-hex.js";
import { DEFAULT_MAX_BYTES, DEFAULT_POLL_INTERVAL_MS } from "../contract/defaults.js";
import { fetchBytes, headerValue } from "./http-fetch.js";
import { presentPayload, withSignature } from "./revision.js";
import { parsePinnedUrl, type PinnedUrl } from "./pinned-url.js";
import { pollingSource } from "./polling-source.js";
import type { Payload, Source, SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import {
  requestBudgetMs,
  requestTimeoutsOf,
  type RequestTimeouts,
  MAX_SIGNATURE_BYTES,
  SIGNATURE_FILE_SUFFIX,
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
  timeouts: RequestTimeouts;
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
    ...request.timeouts,
    // A verified pin proves the bytes whole, however the body was framed.
    allowUnframed: request.target.sha256 !== undefined,
  });
  if (!result.ok) return sourceError(request.name, result.errorKind, result.message, result.status);
  if (result.status === 304 && request.etag !== undefined) return { kind: "unchanged" };
  if (result.status !== 200) return sourceError(request.name, "http-status", `server answered ${result.status}`, result.status);
  if (request.target.sha256 !== undefined) {
    const digest = sha256Hex(result.bytes);
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
  readonly staleAfterMs: number;
  readonly watch: Source["watch"];
  private readonly target: PinnedUrl | string;

  constructor(
    spec: string,
    private readonly options: SourceOptions,
  ) {
    this.target = parsePinnedUrl(spec);
    this.name = `url:${typeof this.target === "string" ? spec : this.target.url}`;
    ({ staleAfterMs: this.staleAfterMs, watch: this.watch } = pollingSource((signal) => this.read(signal), {
      name: this.name,
      intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      // One request per poll, two with --trust (the value, then URL.sig).
      pollTimeoutMs: (options.signatures === true ? 2 : 1) * requestBudgetMs(requestTimeoutsOf(options)),
      log: options.log ?? silentLog,
      openWatchRead: () => this.openConditionalRead(),
    }));
  }

  private async fetchCurrent(etag: string | undefined, signal: AbortSignal): Promise<UrlFetchOutcome> {
    if (typeof this.target === "string") return sourceError(this.name, "protocol", this.target);
    const request: UrlFetchRequest = {
      target: this.target,
      name: this.name,
      signal,
      maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES,
      timeouts: requestTimeoutsOf(this.options),
    };
    if (etag !== undefined) request.etag = etag;
    return fetchPinnedUrl(request);
  }

  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    const outcome = await this.fetchCurrent(undefined, signal);
    if (outcome.kind === "unchanged") throw new Error("unconditional GET answered 304");
    return outcome.kind === "changed" ? this.signed(outcome.payload, signal) : outcome;
  }

  /**
   * With --trust: `URL.sig`, fetched after the value in every poll (a 304 for the value says
   * nothing about the signature). Two requests are not one answer: a poll between two uploads may
   * pair a new value with an old signature, which does not verify and is refused whole.
   */
  private async signed(payload: Payload, signal: AbortSignal): Promise<Payload | SourceError> {
    if (this.options.signatures !== true || typeof this.target === "string") return payload;
    const url = new URL(this.target.url);
    url.pathname += SIGNATURE_FILE_SUFFIX;
    const from = `url:${url.toString()}`;
    const result = await fetchBytes({
      url: url.toString(),
      headers: {},
      signal,
      maxBytes: MAX_SIGNATURE_BYTES,
      ...requestTimeoutsOf(this.options),
    });
    if (!result.ok) return sourceError(from, result.errorKind, result.message, result.status);
    if (result.status === 404) return withSignature(payload, { from });
    if (result.status !== 200) return sourceError(from, "http-status", `server answered ${result.status}`, result.status);
    return withSignature(payload, { from, bytes: result.bytes });
  }

  /** A read for one watch: If-None-Match with the last ETag, and a 304 answered with the last payload. */
  private openConditionalRead(): (signal: AbortSignal) => Promise<Payload | SourceError> {
    let last: { etag: string; payload: Payload } | undefined;
    return async (signal) => {
      const outcome = await this.fetchCurrent(last?.etag, signal);
      if (outcome.kind === "error") {
        last = undefined;
        return outcome;
      }
      if (outcome.kind === "unchanged") {
        if (last === undefined) throw new Error("unconditional GET answered 304");
        return this.signed(last.payload, signal);
      }
      last = outcome.etag === undefined ? undefined : { etag: outcome.etag, payload: outcome.payload };
      return this.signed(outcome.payload, signal);
    };
  }
}
