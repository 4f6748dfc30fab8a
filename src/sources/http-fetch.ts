// The one HTTP client of every provider, on got: connect and response timeouts, no
// redirects followed, no proxies, no decompression (bytes are hashed as served), a size
// cap enforced while the body streams, and one immediate retry of a connection reset
// before any response (a stale keep-alive socket); all other retrying is the sync loop's.
// A body counts only when its framing proves it complete: Content-Length matched, or the
// chunked terminator seen (Node fails the stream otherwise). A 2xx delimited only by the
// connection closing could be cut anywhere, so it is a protocol error unless the caller
// can verify the bytes another way.
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
  /** Accept a 2xx body delimited only by the close: only when the caller checks the bytes (a sha256 pin). */
  allowUnframed?: boolean;
  /** The body of a PUT (empty when absent). */
  body?: Uint8Array;
  /** https with these PEM files: the server's certificate must chain to `ca`, and `cert`/`key` authenticate us. */
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
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
      ...(request.tls === undefined ? {} : { https: { certificateAuthority: request.tls.ca, certificate: request.tls.cert, key: request.tls.key } }),
    });
    // A got stream with a body-carrying method waits for the body.
    if (request.method === "PUT") stream.end(request.body === undefined ? undefined : Buffer.from(request.body));
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
      if (bodyFraming(headers) === "close" && carriesBody(status) && request.allowUnframed !== true) {
        finish(unframed(status));
        return;
      }
      const declared = declaredLength(headers);
      if (declared !== undefined && declared > request.maxBytes) {
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
      const declared = declaredLength(headers);
      if (declared !== undefined && size !== declared && bodyFraming(headers) === "length") {
        // Node fails a short body itself; this is the same rule stated where the bytes are taken.
        finish({ ok: false, errorKind: "protocol", message: `body truncated: ${size} of ${declared} bytes`, status });
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

/** How the response says where its body ends (RFC 9112 §6.3): chunked wins over Content-Length. */
function bodyFraming(headers: IncomingHttpHeaders): "chunked" | "length" | "close" {
  if (/(^|,)\s*chunked\s*$/i.test(headers["transfer-encoding"] ?? "")) return "chunked";
  return headers["content-length"] === undefined ? "close" : "length";
}

function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const declared = Number(headers["content-length"]);
  return headers["content-length"] !== undefined && Number.isSafeInteger(declared) ? declared : undefined;
}

/** A 2xx other than 204 has a body whose bytes a caller takes. */
function carriesBody(status: number): boolean {
  return status >= 200 && status < 300 && status !== 204;
}

function unframed(status: number): FetchResult {
  return {
    ok: false,
    errorKind: "protocol",
    message: `a ${status} without Content-Length or chunked encoding: a body ended by the connection closing may be cut short`,
    status,
  };
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
