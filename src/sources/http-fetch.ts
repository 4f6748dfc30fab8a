// The one HTTP client of every provider, on node:http(s) directly: connect and response
// timeouts, no redirects followed, no proxies, no decompression (bytes are hashed as served),
// a size cap enforced while the body streams, and one immediate retry of a connection reset
// before any response (a stale keep-alive socket); all other retrying is the sync loop's.
// A body counts only when its framing proves it complete: Content-Length matched, or the
// chunked terminator seen (Node fails the stream otherwise). A 2xx delimited only by the
// connection closing could be cut anywhere, so it is a protocol error unless the caller
// can verify the bytes another way.
// (Not got: what rower asks of a client is the above, and got's import alone cost ~60 ms of
// `run --once` and 6 MB of daemon RSS: @sindresorhus/is builds Intl.ListFormat at load.)
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from "node:http";
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

/** A timeout we impose; classified as `timeout`. */
class FetchTimeoutError extends Error {
  override readonly name = "TimeoutError";
  readonly code = "ETIMEDOUT";
  constructor(phase: "connect" | "request", ms: number) {
    super(`Timeout awaiting '${phase}' for ${ms}ms`);
  }
}

function fetchOnce(request: FetchRequest): Promise<FetchResult> {
  request.signal.throwIfAborted();
  return new Promise<FetchResult>((resolve, reject) => {
    let settled = false;
    let status: number | undefined;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let req: ClientRequest | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    const requestTimer = setTimeout(() => fail(new FetchTimeoutError("request", request.responseTimeoutMs)), request.responseTimeoutMs);
    const cleanUp = (): void => {
      clearTimeout(requestTimer);
      clearTimeout(connectTimer);
      request.signal.removeEventListener("abort", onAbort);
    };
    const finish = (result: FetchResult): void => {
      if (settled) return;
      settled = true;
      cleanUp();
      if (!result.ok) req?.destroy();
      resolve(result);
    };
    const fail = (err: Error & { code?: string }): void => {
      if (settled) return;
      finish(classifyError(err, status));
    };
    function onAbort(): void {
      if (settled) return;
      settled = true;
      cleanUp();
      req?.destroy();
      reject(request.signal.reason);
    }
    request.signal.addEventListener("abort", onAbort, { once: true });

    const url = new URL(request.url);
    const options = {
      method: request.method ?? "GET",
      headers: { "user-agent": "rower", ...request.headers },
      ...(request.tls === undefined ? {} : { ca: request.tls.ca, cert: request.tls.cert, key: request.tls.key }),
    };
    try {
      // Built-ins on first use: `rower validate` never loads the network stack.
      const client = url.protocol === "https:" ? process.getBuiltinModule("node:https") : process.getBuiltinModule("node:http");
      req = client.request(url, options);
    } catch (err) {
      // Node refuses a header value before anything is sent (ERR_INVALID_CHAR...).
      fail(err as Error & { code?: string });
      return;
    }
    req.on("socket", (socket) => {
      // A reused keep-alive socket is connected already; a new one gets the connect timeout.
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => fail(new FetchTimeoutError("connect", request.connectTimeoutMs)), request.connectTimeoutMs);
      socket.once("connect", () => clearTimeout(connectTimer));
    });
    req.on("response", (response: IncomingMessage) => {
      status = response.statusCode ?? 0;
      headers = response.headers;
      if (bodyFraming(headers) === "close" && carriesBody(status) && request.allowUnframed !== true) {
        finish(unframed(status));
        return;
      }
      const declared = declaredLength(headers);
      if (declared !== undefined && declared > request.maxBytes) {
        finish(tooLarge(request.maxBytes, status));
        return;
      }
      response.on("data", (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > request.maxBytes) finish(tooLarge(request.maxBytes, status));
        else chunks.push(chunk);
      });
      response.on("end", () => {
        if (status === undefined) return;
        const length = declaredLength(headers);
        if (length !== undefined && size !== length && bodyFraming(headers) === "length") {
          // Node fails a short body itself; this is the same rule stated where the bytes are taken.
          finish({ ok: false, errorKind: "protocol", message: `body truncated: ${size} of ${length} bytes`, status });
          return;
        }
        finish({ ok: true, status, headers, bytes: new Uint8Array(Buffer.concat(chunks, size)) });
      });
      // A body cut short (reset, or a chunked body without its terminator) fails the response.
      response.on("error", fail);
      response.on("aborted", () => fail(Object.assign(new Error("aborted"), { code: "ECONNRESET" })));
    });
    req.on("error", fail);
    req.on("close", () => {
      if (!settled && status === undefined) finish({ ok: false, errorKind: "protocol", message: "connection ended without a response" });
    });
    req.end(request.method === "PUT" && request.body !== undefined ? Buffer.from(request.body) : undefined);
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

function classifyError(err: Error & { code?: string }, status: number | undefined): FetchResult {
  const code = err.code;
  if (code !== undefined && UNSENDABLE_HEADER_CODES.has(code)) {
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
