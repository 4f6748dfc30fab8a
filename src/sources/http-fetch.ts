// The one HTTP client of every provider, on got: connect and response timeouts, no
// redirects followed, no proxies, no decompression (bytes are hashed as served), a size
// cap enforced while the body streams, and one immediate retry of a connection reset
// before any response (a stale keep-alive socket); all other retrying is the sync loop's.
import got, { type RequestError } from "got";
import type { IncomingHttpHeaders } from "node:http";
import type { SourceErrorKind } from "./source.js";

export interface FetchRequest {
  url: string;
  method?: "GET" | "PUT";
  headers?: Record<string, string>;
  signal: AbortSignal;
  /** Body bytes allowed; one more fails the request as `too-large`. */
  maxBytes: number;
  connectTimeoutMs: number;
  /** From request sent to the last body byte (a long poll passes its own). */
  responseTimeoutMs: number;
}

export type FetchResult =
  | { ok: true; status: number; headers: IncomingHttpHeaders; bytes: Uint8Array }
  | { ok: false; errorKind: SourceErrorKind; message: string; status?: number; code?: string };

/** Fetches a URL; rejects only with the signal's reason when aborted. */
export async function fetchBytes(request: FetchRequest): Promise<FetchResult> {
  const first = await fetchOnce(request);
  if (!first.ok && first.code === "ECONNRESET" && first.status === undefined && !request.signal.aborted) {
    return fetchOnce(request);
  }
  return first;
}

function fetchOnce(request: FetchRequest): Promise<FetchResult> {
  request.signal.throwIfAborted();
  return new Promise<FetchResult>((resolve, reject) => {
    let settled = false;
    let status: number | undefined;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    // got leaves its abort listener on the signal of a request that ends normally: give it a
    // per-request signal linked to the caller's, and unlink that when the request settles.
    const requestAbort = new AbortController();
    const forwardAbort = (): void => requestAbort.abort(request.signal.reason);
    request.signal.addEventListener("abort", forwardAbort, { once: true });
    const stream = got.stream(request.url, {
      method: request.method ?? "GET",
      headers: { "user-agent": "rower", ...request.headers },
      signal: requestAbort.signal,
      timeout: { connect: request.connectTimeoutMs, request: request.responseTimeoutMs },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      decompress: false,
    });
    // A got stream with a body-carrying method waits for the body: send an empty one.
    if (request.method === "PUT") stream.end();
    const finish = (result: FetchResult): void => {
      if (settled) return;
      settled = true;
      request.signal.removeEventListener("abort", forwardAbort);
      if (!result.ok) stream.destroy();
      resolve(result);
    };
    stream.on("response", (response: { statusCode: number; headers: IncomingHttpHeaders }) => {
      status = response.statusCode;
      headers = response.headers;
      const declared = Number(headers["content-length"]);
      if (Number.isFinite(declared) && declared > request.maxBytes) {
        finish(tooLarge(request.maxBytes, status));
      }
    });
    stream.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > request.maxBytes) finish(tooLarge(request.maxBytes, status));
      else chunks.push(chunk);
    });
    stream.on("end", () => {
      if (status === undefined) {
        finish({ ok: false, errorKind: "protocol", message: "connection ended without a response" });
        return;
      }
      finish({ ok: true, status, headers, bytes: new Uint8Array(Buffer.concat(chunks, size)) });
    });
    stream.on("error", (err: RequestError) => {
      if (settled) return;
      if (request.signal.aborted) {
        settled = true;
        request.signal.removeEventListener("abort", forwardAbort);
        reject(request.signal.reason);
        return;
      }
      finish(classifyError(err, status));
    });
  });
}

function tooLarge(maxBytes: number, status: number | undefined): FetchResult {
  const result: FetchResult = { ok: false, errorKind: "too-large", message: `response larger than ${maxBytes} bytes` };
  if (status !== undefined) result.status = status;
  return result;
}

/** Node's refusals of a header value we were about to send: nothing was sent. */
const UNSENDABLE_HEADER_CODES = new Set(["ERR_INVALID_CHAR", "ERR_HTTP_INVALID_HEADER_VALUE"]);

function classifyError(err: RequestError, status: number | undefined): FetchResult {
  const code = err.code;
  if (UNSENDABLE_HEADER_CODES.has(code)) {
    // A value from a metadata answer (or the configuration) cannot go in a header: the server's fault, not the network's.
    return { ok: false, errorKind: "protocol", message: `request not sent: ${err.message}`, code };
  }
  if (err.name === "TimeoutError" || code === "ETIMEDOUT") {
    return { ok: false, errorKind: "timeout", message: err.message, code };
  }
  if (status !== undefined) {
    // The connection broke after the headers: a truncated body.
    return { ok: false, errorKind: "protocol", message: `body truncated: ${err.message}`, status, code };
  }
  return { ok: false, errorKind: "unreachable", message: err.message, code };
}

/** `host[:port]` or a URL → a URL without a trailing slash. */
export function normalizeEndpoint(endpoint: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`;
  return withScheme.replace(/\/+$/, "");
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
