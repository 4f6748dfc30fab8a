// The IMDSv2 session token: PUT /latest/api/token with a TTL, cached and sent on every
// request, renewed shortly before it expires and after a 401. IMDSv1 (no token) only when
// explicitly allowed and the PUT is refused the way IMDSv1-only instances refuse it.
import { fetchBytes } from "./http-fetch.js";
import type { SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import type { RequestTimeouts } from "./source-options.js";

export const IMDS_TOKEN_PATH = "/latest/api/token";
export const IMDS_TOKEN_HEADER = "X-aws-ec2-metadata-token";
export const IMDS_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
export const IMDS_MAX_TOKEN_TTL_SEC = 21_600;
const MAX_TOKEN_BYTES = 4096;
/** AWS tokens are ~56 base64 characters; anything far longer is not a token. */
const MAX_TOKEN_LENGTH = 1024;
/** A token goes back in a header: visible ASCII only (no spaces, controls or line breaks). */
const TOKEN_FORMAT = /^[\x21-\x7e]+$/;
/** Statuses with which an IMDSv1-only endpoint answers the token PUT (as the AWS SDKs read them). */
const V1_FALLBACK_STATUSES = new Set([403, 404, 405]);

export interface ImdsTokenOptions {
  /** The token URL, IMDS_TOKEN_PATH at the source's endpoint. */
  url: string;
  ttlSec: number;
  allowV1: boolean;
  timeouts: RequestTimeouts;
  now: () => number;
  sourceName: string;
}

/** `undefined` token = IMDSv1 mode (no header sent). */
export type TokenOutcome = { token: string | undefined } | SourceError;

/** Why a token PUT's body is not a usable token, or undefined when it is one. */
function tokenProblem(token: string): string | undefined {
  if (token === "") return "an empty body";
  if (token.length > MAX_TOKEN_LENGTH) return `a ${token.length}-character body, over ${MAX_TOKEN_LENGTH}`;
  if (!TOKEN_FORMAT.test(token)) return "a body that is not one line of printable ASCII";
  return undefined;
}

export class ImdsTokenCache {
  private token: string | undefined;
  private expiresAt = 0;
  /** The PUT was refused and v1 is allowed: no token until a 401 says otherwise. */
  private v1Mode = false;

  constructor(private readonly options: ImdsTokenOptions) {
    if (!Number.isInteger(options.ttlSec) || options.ttlSec < 1 || options.ttlSec > IMDS_MAX_TOKEN_TTL_SEC) {
      throw new RangeError(`IMDSv2 token TTL must be an integer in 1..${IMDS_MAX_TOKEN_TTL_SEC}, got ${options.ttlSec}`);
    }
  }

  /** Renew a minute early (or a tenth of a short TTL) so a request never carries a dying token. */
  private renewalMarginMs(): number {
    return Math.min(60_000, (this.options.ttlSec * 1000) / 10);
  }

  invalidate(): void {
    this.v1Mode = false;
    this.token = undefined;
    this.expiresAt = 0;
  }

  async getToken(signal: AbortSignal): Promise<TokenOutcome> {
    const now = this.options.now();
    if (this.v1Mode) return { token: undefined };
    if (this.token !== undefined && now < this.expiresAt - this.renewalMarginMs()) return { token: this.token };
    const result = await fetchBytes({
      url: this.options.url,
      method: "PUT",
      headers: { [IMDS_TTL_HEADER]: String(this.options.ttlSec) },
      signal,
      maxBytes: MAX_TOKEN_BYTES,
      ...this.options.timeouts,
    });
    const name = this.options.sourceName;
    if (result.ok && result.status === 200) {
      const token = Buffer.from(result.bytes).toString("latin1").trim();
      const problem = tokenProblem(token);
      // The token itself stays out of the message: it is a credential.
      if (problem !== undefined) return sourceError(name, "protocol", `IMDSv2 token PUT answered 200 with ${problem}`, result.status);
      this.token = token;
      this.expiresAt = now + this.options.ttlSec * 1000;
      return { token };
    }
    const refusedLikeV1 = result.ok ? V1_FALLBACK_STATUSES.has(result.status) : result.errorKind === "timeout";
    if (this.options.allowV1 && refusedLikeV1) {
      this.v1Mode = true;
      return { token: undefined };
    }
    if (!result.ok) return sourceError(name, result.errorKind, `IMDSv2 token: ${result.message}`, result.status);
    return sourceError(name, "http-status", `IMDSv2 token PUT answered ${result.status}`, result.status);
  }
}
