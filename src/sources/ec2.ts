// EC2 IMDS: IMDSv2 only unless `imdsv1` is set. The instance tag <key> (live while the
// instance runs; ≤256 chars) may hold `url:<https URL>#sha256=<hex>` and then wins;
// otherwise the spec comes from user-data (changed only while stopped) in one of three
// shapes (see user-data-shapes.ts). Polled every pollInterval with jitter.
import { DEFAULT_IGNITION_PATH, DEFAULT_MAX_BYTES, DEFAULT_METADATA_KEY, DEFAULT_POLL_INTERVAL_MS } from "../contract/defaults.js";
import { fetchBytes, normalizeEndpoint } from "./http-fetch.js";
import { ImdsTokenCache, IMDS_MAX_TOKEN_TTL_SEC, IMDS_TOKEN_HEADER, IMDS_TOKEN_PATH } from "./imds-token.js";
import { absentPayload, presentPayload, withSignature } from "./revision.js";
import type { Payload, Source, SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import {
  requestBudgetMs,
  requestTimeoutsOf,
  type RequestTimeouts,
  LINK_LOCAL_METADATA_ENDPOINT,
  SIGNATURE_KEY_SUFFIX,
  silentLog,
  type SourceLog,
  type SourceOptions,
} from "./source-options.js";
import { EC2_TAG_POINTER_FORM, parseTagPointer } from "./ec2-tag-pointer.js";
import { pollingSource } from "./polling-source.js";
import { fetchPinnedUrl } from "./url.js";
import { extractUserDataSpec } from "./user-data-shapes.js";

export const EC2_USER_DATA_PATH = "/latest/user-data";
export const EC2_TAGS_PATH = "/latest/meta-data/tags/instance";
/** "Work with instance user data": 16 KB before base64. */
export const EC2_MAX_USER_DATA_BYTES = 16_384;
/** Tag values are ≤256 Unicode characters, so ≤1024 bytes of UTF-8. */
const EC2_MAX_TAG_BYTES = 1024;

type ImdsAnswer = { status: number; bytes: Uint8Array } | SourceError;

/** The tag's URL pointer, remembered across polls for If-None-Match. */
interface TagPointerState {
  tag: string;
  etag?: string;
  payload: Payload;
}

/** Every IMDS URL: `path` (from /latest) at the endpoint. */
export function ec2EndpointFor(endpoint: string, path: string): string {
  return `${normalizeEndpoint(endpoint)}${path}`;
}

/** A poll's requests when healthy: the token PUT, the tag, then user-data or the tag's URL (and with --trust the signature tag). */
const REQUESTS_PER_POLL = 3;

export class Ec2Source implements Source {
  readonly kind = "ec2";
  readonly name: string;
  readonly staleAfterMs: number;
  readonly watch: Source["watch"];
  private readonly endpoint: string;
  private readonly key: string;
  private readonly tokens: ImdsTokenCache;
  private readonly log: SourceLog;
  private readonly timeouts: RequestTimeouts;

  constructor(private readonly options: SourceOptions) {
    this.endpoint = options.endpoint ?? options.ec2MetadataEndpoint ?? LINK_LOCAL_METADATA_ENDPOINT;
    this.key = options.key ?? DEFAULT_METADATA_KEY;
    this.name = "ec2:user-data";
    this.log = options.log ?? silentLog;
    this.timeouts = requestTimeoutsOf(options);
    this.tokens = new ImdsTokenCache({
      url: ec2EndpointFor(this.endpoint, IMDS_TOKEN_PATH),
      ttlSec: options.ec2TokenTtlSec ?? IMDS_MAX_TOKEN_TTL_SEC,
      allowV1: options.imdsv1 ?? false,
      timeouts: this.timeouts,
      now: options.now ?? Date.now,
      sourceName: this.name,
    });
    ({ staleAfterMs: this.staleAfterMs, watch: this.watch } = pollingSource((signal) => this.read(signal), {
      name: this.name,
      intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      pollTimeoutMs: (REQUESTS_PER_POLL + (options.signatures === true ? 1 : 0)) * requestBudgetMs(this.timeouts),
      log: this.log,
      openWatchRead: () => this.openTagTrackingRead(),
    }));
  }

  private get tagName(): string {
    return `ec2:tag/${this.key}`;
  }

  /** A GET with the session token; a 401 means the token died: renew once and retry. */
  private async getImds(path: string, name: string, maxBytes: number, signal: AbortSignal): Promise<ImdsAnswer> {
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.tokens.getToken(signal);
      if ("kind" in token) return token;
      const headers: Record<string, string> = token.token === undefined ? {} : { [IMDS_TOKEN_HEADER]: token.token };
      const result = await fetchBytes({
        url: ec2EndpointFor(this.endpoint, path),
        headers,
        signal,
        maxBytes,
        ...this.timeouts,
      });
      if (!result.ok) return sourceError(name, result.errorKind, result.message, result.status);
      if (result.status === 401 && attempt === 0) {
        this.log.info("source.token_renewed", { source: name, reason: "401" });
        this.tokens.invalidate();
        continue;
      }
      return { status: result.status, bytes: result.bytes };
    }
  }

  private async readTag(previous: TagPointerState | undefined, signal: AbortSignal): Promise<TagPointerState | "absent" | SourceError> {
    const answer = await this.getImds(`${EC2_TAGS_PATH}/${encodeURIComponent(this.key)}`, this.tagName, EC2_MAX_TAG_BYTES, signal);
    if ("kind" in answer && answer.errorKind === "too-large") {
      return sourceError(this.tagName, "too-large", `tag value larger than ${EC2_MAX_TAG_BYTES} bytes: a tag holds ${EC2_TAG_POINTER_FORM}`, answer.status);
    }
    if ("kind" in answer) return answer;
    // 404: no such tag, or tags are not exposed in metadata: fall through to user-data.
    if (answer.status === 404) return "absent";
    if (answer.status !== 200) return sourceError(this.tagName, "http-status", `IMDS answered ${answer.status}`, answer.status);
    const tag = Buffer.from(answer.bytes).toString("utf8").trim();
    const target = parseTagPointer(tag);
    if (typeof target === "string") return sourceError(this.tagName, "protocol", target);
    const sameTag = previous !== undefined && previous.tag === tag;
    const outcome = await fetchPinnedUrl({
      target,
      name: this.tagName,
      ...(sameTag && previous.etag !== undefined ? { etag: previous.etag } : {}),
      signal,
      maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES,
      timeouts: this.timeouts,
    });
    if (outcome.kind === "error") return outcome;
    if (outcome.kind === "unchanged" && sameTag) return previous;
    if (outcome.kind === "unchanged") throw new Error("unconditional GET answered 304");
    return outcome.etag === undefined ? { tag, payload: outcome.payload } : { tag, etag: outcome.etag, payload: outcome.payload };
  }

  private async readUserData(signal: AbortSignal): Promise<Payload | SourceError> {
    const answer = await this.getImds(EC2_USER_DATA_PATH, this.name, EC2_MAX_USER_DATA_BYTES, signal);
    if ("kind" in answer) return answer;
    if (answer.status === 404) return absentPayload(this.name);
    if (answer.status !== 200) return sourceError(this.name, "http-status", `IMDS answered ${answer.status}`, answer.status);
    const spec = extractUserDataSpec(answer.bytes, {
      ignitionPath: this.options.ignitionPath ?? DEFAULT_IGNITION_PATH,
      maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES,
    });
    const name = `${this.name}(${spec.shape})`;
    if (spec.kind === "invalid") return sourceError(name, "protocol", spec.message);
    if (spec.kind === "absent") {
      this.log.debug?.("source.absent", { source: name, reason: spec.reason });
      return absentPayload(name);
    }
    return presentPayload(name, spec.bytes);
  }

  private async readCurrent(previousTag: TagPointerState | undefined, signal: AbortSignal): Promise<{ payload: Payload | SourceError; tag?: TagPointerState }> {
    if (this.options.ec2MetadataDisabled === true) {
      return { payload: sourceError(this.name, "protocol", "EC2 metadata access is disabled (AWS_EC2_METADATA_DISABLED)") };
    }
    const tag = await this.readTag(previousTag, signal);
    if (tag === "absent") return { payload: await this.signed(await this.readUserData(signal), signal) };
    if ("kind" in tag) return { payload: tag };
    return { payload: await this.signed(tag.payload, signal), tag };
  }

  /**
   * With --trust: the signature tag, read right after the value in the same poll. IMDS has no
   * answer holding both, so a poll between two edits may pair a new value with an old
   * signature: that pair does not verify and is refused whole; the next poll reads them agreeing.
   */
  private async signed(payload: Payload | SourceError, signal: AbortSignal): Promise<Payload | SourceError> {
    if (this.options.signatures !== true || payload.kind !== "present") return payload;
    const key = `${this.key}${SIGNATURE_KEY_SUFFIX}`;
    const from = `ec2:tag/${key}`;
    const answer = await this.getImds(`${EC2_TAGS_PATH}/${encodeURIComponent(key)}`, from, EC2_MAX_TAG_BYTES, signal);
    if ("kind" in answer) return answer;
    if (answer.status === 404) return withSignature(payload, { from });
    if (answer.status !== 200) return sourceError(from, "http-status", `IMDS answered ${answer.status}`, answer.status);
    return withSignature(payload, { from, bytes: answer.bytes });
  }

  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    return (await this.readCurrent(undefined, signal)).payload;
  }

  /** A read for one watch: the tag pointer's state (the pointed-to URL's last ETag) carries across its polls. */
  private openTagTrackingRead(): (signal: AbortSignal) => Promise<Payload | SourceError> {
    let tag: TagPointerState | undefined;
    return async (signal) => {
      const current = await this.readCurrent(tag, signal);
      tag = current.tag;
      return current.payload;
    };
  }
}
