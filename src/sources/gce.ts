// GCE metadata server: instance attribute <key>, falling back to the project attribute
// (instance wins; the fallback can be turned off). Every answer must carry
// `Metadata-Flavor: Google`, or it did not come from the metadata server. Watching long-polls
// the attribute DIRECTORIES (`?recursive=true&wait_for_change=true&last_etag=…`), so a key
// appearing or vanishing is seen too, and both scopes are watched when the fallback is on:
// a present instance value is yielded whatever the project scope is doing. A scope's poll that
// brought nothing new is followed by its next no sooner than the floor after its start: a
// server ignoring `wait_for_change` must not make rower spin (a 60 s long poll waits nothing).
import { DEFAULT_METADATA_KEY } from "../contract/defaults.js";
import { fetchBytes, headerValue, normalizeEndpoint, type FetchResult } from "./http-fetch.js";
import { pollFloorMs, POLL_FLOOR_MAX_MS, sleep } from "./jittered-sleep.js";
import { describeJsonError } from "./locate-json-error.js";
import { absentPayload, describePayload, presentPayload } from "./revision.js";
import type { Payload, Source, SourceContact, SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import {
  requestTimeoutsOf,
  type RequestTimeouts,
  LINK_LOCAL_METADATA_ENDPOINT,
  SIGNATURE_KEY_SUFFIX,
  STALE_SLACK_MS,
  silentLog,
  type SourceLog,
  type SourceOptions,
} from "./source-options.js";
import { isMapping } from "../guards/is-mapping.js";
import { FirstSettled } from "./first-settled.js";
import { monotonicMs } from "../clock/monotonic-ms.js";

export const GCE_BASE_PATH = "/computeMetadata/v1";
export const GCE_FLAVOR_HEADER = "Metadata-Flavor";
export const GCE_FLAVOR = "Google";
/** Sent with every request (the server answers 403 without it) and expected on every answer. */
export const GCE_REQUEST_HEADERS: Readonly<Record<string, string>> = { [GCE_FLAVOR_HEADER]: GCE_FLAVOR };
/** Compute API: one metadata value is at most 256 KiB. */
export const GCE_MAX_VALUE_BYTES = 262_144;
/** All keys and values of one scope stay under 512 KB; JSON escaping can double that. */
const GCE_MAX_DIRECTORY_BYTES = 2 * 1024 * 1024;
/** Google's guest agent long-polls with 60 s and gives the client 10 s more. */
const DEFAULT_WAIT_TIMEOUT_SEC = 60;
const LONG_POLL_GRACE_MS = 10_000;

type Scope = "instance" | "project";

/** The last answer of one scope; an error remembers whether the consumer has seen it. */
type ScopeState = { kind: "value"; value: Uint8Array | undefined; signature?: Uint8Array | undefined } | { kind: "error"; error: SourceError; yielded: boolean };

type ScopeError = Extract<ScopeState, { kind: "error" }>;

/** `startedAt`: when the request went out (monotonicMs()), for the floor. */
type ScopeOutcome =
  | { scope: Scope; kind: "value"; etag: string; value: Uint8Array | undefined; signature?: Uint8Array | undefined; startedAt: number }
  | { scope: Scope; kind: "error"; error: SourceError; startedAt: number }
  | { scope: Scope; kind: "aborted" };

function sameValue(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : Buffer.from(a).equals(b);
}

/** Every metadata server URL: `path` below the v1 base, e.g. `instance/attributes/`. */
export function gceEndpointFor(endpoint: string, path: string): string {
  return `${normalizeEndpoint(endpoint)}${GCE_BASE_PATH}/${path}`;
}

export class GceSource implements Source {
  readonly kind = "gce";
  readonly name: string;
  readonly staleAfterMs: number;
  private readonly endpoint: string;
  private readonly key: string;
  private readonly scopes: Scope[];
  private readonly log: SourceLog;
  private readonly timeouts: RequestTimeouts;
  private readonly waitTimeoutSec: number;
  /** `--trust`: the signature attribute is read from the same directory answer as the value. */
  private readonly signatures: boolean;

  constructor(options: SourceOptions) {
    this.endpoint = options.endpoint ?? options.gceMetadataHost ?? LINK_LOCAL_METADATA_ENDPOINT;
    this.key = options.key ?? DEFAULT_METADATA_KEY;
    this.scopes = options.projectFallback === false ? ["instance"] : ["instance", "project"];
    this.log = options.log ?? silentLog;
    this.timeouts = requestTimeoutsOf(options);
    this.waitTimeoutSec = options.gceWaitTimeoutSec ?? DEFAULT_WAIT_TIMEOUT_SEC;
    this.signatures = options.signatures ?? false;
    this.name = this.scopeName("instance");
    // A healthy long poll answers by timeout_sec, with or without a change; the floor may delay its start.
    this.staleAfterMs = this.waitTimeoutSec * 1000 + POLL_FLOOR_MAX_MS + STALE_SLACK_MS;
  }

  private scopeName(scope: Scope): string {
    return `gce:${scope}/attributes/${this.key}`;
  }

  /** The value of a scope as a payload, with the signature beside it when --trust asks for one. */
  private payloadOf(scope: Scope, value: Uint8Array, signature: Uint8Array | undefined): Payload {
    if (!this.signatures) return presentPayload(this.scopeName(scope), value);
    const from = `gce:${scope}/attributes/${this.key}${SIGNATURE_KEY_SUFFIX}`;
    return presentPayload(this.scopeName(scope), value, signature === undefined ? { from } : { from, bytes: signature });
  }

  /** Checks the flavor header and sorts the status into value, absent (404) or error. */
  private interpret(scope: Scope, result: FetchResult): { status: number; bytes: Uint8Array; etag: string } | SourceError {
    const name = this.scopeName(scope);
    if (!result.ok) return sourceError(name, result.errorKind, result.message, result.status);
    const flavor = headerValue(result.headers, GCE_FLAVOR_HEADER);
    if (flavor !== GCE_FLAVOR) {
      // The value the impostor sent stays out of the message: it is the server's bytes.
      const got = flavor === undefined ? "no such header" : "another value";
      return sourceError(name, "protocol", `expected ${GCE_FLAVOR_HEADER}: ${GCE_FLAVOR}, got ${got}: not the metadata server`, result.status);
    }
    if (result.status !== 200 && result.status !== 404) {
      return sourceError(name, "http-status", `metadata server answered ${result.status}`, result.status);
    }
    return { status: result.status, bytes: result.bytes, etag: headerValue(result.headers, "etag") ?? "NONE" };
  }

  private async readScope(scope: Scope, signal: AbortSignal): Promise<Payload | SourceError> {
    const result = await fetchBytes({
      url: gceEndpointFor(this.endpoint, `${scope}/attributes/${encodeURIComponent(this.key)}`),
      headers: { ...GCE_REQUEST_HEADERS },
      signal,
      maxBytes: GCE_MAX_VALUE_BYTES,
      ...this.timeouts,
    });
    const answer = this.interpret(scope, result);
    if ("kind" in answer) return answer;
    return answer.status === 404 ? absentPayload(this.scopeName(scope)) : presentPayload(this.scopeName(scope), answer.bytes);
  }

  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    for (const scope of this.scopes) {
      const payload = this.signatures ? await this.readScopeDirectory(scope, signal) : await this.readScope(scope, signal);
      if (payload.kind !== "absent") return payload;
    }
    return absentPayload(this.name);
  }

  /** With --trust: value and signature from one directory answer, so they are one revision. */
  private async readScopeDirectory(scope: Scope, signal: AbortSignal): Promise<Payload | SourceError> {
    const outcome = await this.pollScope(scope, undefined, 0, signal);
    // The read was cut short by the signal: reject with its reason, as fetchBytes does.
    if (outcome.kind === "aborted") throw signal.reason;
    if (outcome.kind === "error") return outcome.error;
    return outcome.value === undefined ? absentPayload(this.scopeName(scope)) : this.payloadOf(scope, outcome.value, outcome.signature);
  }

  /** One directory request, sent no sooner than `notBefore`: plain the first time, a long poll once an ETag is known. */
  private async pollScope(scope: Scope, etag: string | undefined, notBefore: number, signal: AbortSignal): Promise<ScopeOutcome> {
    if (!(await sleep(notBefore - monotonicMs(), signal))) return { scope, kind: "aborted" };
    const startedAt = monotonicMs();
    const query = new URLSearchParams({ recursive: "true", alt: "json" });
    if (etag !== undefined) {
      query.set("wait_for_change", "true");
      query.set("last_etag", etag);
      query.set("timeout_sec", String(this.waitTimeoutSec));
    }
    let result: FetchResult;
    try {
      result = await fetchBytes({
        url: gceEndpointFor(this.endpoint, `${scope}/attributes/?${query}`),
        headers: { ...GCE_REQUEST_HEADERS },
        signal,
        maxBytes: GCE_MAX_DIRECTORY_BYTES,
        connectTimeoutMs: this.timeouts.connectTimeoutMs,
        responseTimeoutMs: etag === undefined ? this.timeouts.responseTimeoutMs : this.waitTimeoutSec * 1000 + LONG_POLL_GRACE_MS,
      });
    } catch (err) {
      if (signal.aborted) return { scope, kind: "aborted" };
      throw err;
    }
    const answer = this.interpret(scope, result);
    if ("kind" in answer) return { scope, kind: "error", error: answer, startedAt };
    // A scope without attributes has no directory: the key is absent there.
    if (answer.status === 404) return { scope, kind: "value", etag: answer.etag, value: undefined, startedAt };
    const picked = this.pickKey(scope, answer.bytes);
    return "kind" in picked ? { scope, kind: "error", error: picked, startedAt } : { scope, kind: "value", etag: answer.etag, value: picked.value, signature: picked.signature, startedAt };
  }

  /** The key's value (and with --trust its signature) in a directory answer (undefined: not there), or why the answer is unusable. */
  private pickKey(scope: Scope, body: Uint8Array): { value: Uint8Array | undefined; signature?: Uint8Array | undefined } | SourceError {
    const name = this.scopeName(scope);
    let directory: unknown;
    try {
      directory = JSON.parse(Buffer.from(body).toString("utf8"));
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      // JSON.parse's message quotes the answer; the description names only offset and size.
      return sourceError(name, "protocol", describeJsonError(body, "attribute directory"));
    }
    if (!isMapping(directory)) return sourceError(name, "protocol", "attribute directory is not a JSON object");
    const attributes = directory;
    const value = attributes[this.key];
    const signatureKey = `${this.key}${SIGNATURE_KEY_SUFFIX}`;
    const signature = this.signatures ? attributes[signatureKey] : undefined;
    if (signature !== undefined && typeof signature !== "string") return sourceError(name, "protocol", `attribute ${signatureKey} is not a string`);
    const signatureBytes = signature === undefined ? undefined : new Uint8Array(Buffer.from(signature, "utf8"));
    if (value === undefined) return { value: undefined, signature: signatureBytes };
    if (typeof value !== "string") return sourceError(name, "protocol", `attribute ${this.key} is not a string`);
    const bytes = new Uint8Array(Buffer.from(value, "utf8"));
    if (bytes.byteLength > GCE_MAX_VALUE_BYTES) return sourceError(name, "too-large", `value larger than ${GCE_MAX_VALUE_BYTES} bytes`);
    return { value: bytes, signature: signatureBytes };
  }

  /**
   * What the watch knows now: the instance value wins whenever it is present, whatever state
   * the project scope is in; only an absent instance key lets the project's value or error
   * decide. Undefined: a scope that decides has not answered yet.
   */
  private decide(states: Map<Scope, ScopeState>): Payload | ScopeError | undefined {
    const instance = states.get("instance");
    if (instance === undefined || instance.kind === "error") return instance;
    if (instance.value !== undefined) return this.payloadOf("instance", instance.value, instance.signature);
    if (!this.scopes.includes("project")) return absentPayload(this.name);
    const project = states.get("project");
    if (project === undefined || project.kind === "error") return project;
    return project.value === undefined ? absentPayload(this.name) : this.payloadOf("project", project.value, project.signature);
  }

  async *watch(outer: AbortSignal): AsyncGenerator<Payload | SourceError | SourceContact> {
    const stop = new AbortController();
    const signal = AbortSignal.any([outer, stop.signal]);
    const etags = new Map<Scope, string>();
    const states = new Map<Scope, ScopeState>();
    const pending = new Map<Scope, Promise<ScopeOutcome>>();
    const outcomes = new FirstSettled<ScopeOutcome>();
    /** When each scope may be polled again (monotonicMs()); 0: at once. */
    const notBefore = new Map<Scope, number>();
    let lastRevision: string | undefined;
    // A scope whose error was not yielded (the instance value overrode it) is not re-polled
    // until it matters: re-polling at once would hammer a failing server with no backoff.
    const shouldPoll = (scope: Scope): boolean => {
      const state = states.get(scope);
      return !pending.has(scope) && (state === undefined || state.kind === "value" || state.yielded);
    };
    try {
      while (!signal.aborted) {
        for (const scope of this.scopes) {
          if (!shouldPoll(scope)) continue;
          const poll = this.pollScope(scope, etags.get(scope), notBefore.get(scope) ?? 0, signal);
          pending.set(scope, poll);
          outcomes.add(poll);
        }
        const outcome = await outcomes.next();
        pending.delete(outcome.scope);
        if (outcome.kind === "aborted") return;
        const previous = states.get(outcome.scope);
        const fresh = outcome.kind === "value" && (previous?.kind !== "value" || !sameValue(previous.value, outcome.value) || !sameValue(previous.signature, outcome.signature));
        notBefore.set(outcome.scope, fresh ? 0 : outcome.startedAt + pollFloorMs());
        if (outcome.kind === "error") {
          etags.delete(outcome.scope);
          states.set(outcome.scope, { kind: "error", error: outcome.error, yielded: false });
        } else {
          etags.set(outcome.scope, outcome.etag);
          states.set(outcome.scope, { kind: "value", value: outcome.value, signature: outcome.signature });
          const project = states.get("project");
          // The instance key went away: a project error seen while it was overridden is stale, ask again.
          if (outcome.scope === "instance" && outcome.value === undefined && project?.kind === "error" && !project.yielded) {
            states.delete("project");
          }
        }
        const decided = this.decide(states);
        if (decided?.kind === "error" && !decided.yielded) {
          // Retried when the consumer asks for the next value: the sync loop owns backoff.
          decided.yielded = true;
          lastRevision = undefined;
          yield decided.error;
          continue;
        }
        if (decided !== undefined && decided.kind !== "error" && decided.revision !== lastRevision) {
          lastRevision = decided.revision;
          this.log.debug?.("source.revision", describePayload(decided));
          yield decided;
          continue;
        }
        // A scope answered and nothing new follows: the watch is alive, waiting.
        if (outcome.kind === "value") yield { kind: "contact", source: this.scopeName(outcome.scope) };
      }
    } finally {
      stop.abort();
      await Promise.allSettled(pending.values());
    }
  }
}
