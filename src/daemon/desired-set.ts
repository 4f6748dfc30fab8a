// payload → the set of files the directory should hold, or why it should not change.
// Pure: decode, validate and render are values in, values out.
import { sha256Hex } from "../digest/sha256-hex.js";
import type { V1Pod } from "@kubernetes/client-node";
import { decodeError } from "../decode/decode-error.js";
import type { Decoded, Document } from "../decode/document.js";
import type { DesiredManifest } from "../manifests/manifest-plan.js";
import type { Payload } from "../sources/source.js";
import type { FieldError, LocatedError } from "../errors/field-error.js";
import type { Policy } from "../policy/policy.js";
import type { ValidateOptions } from "../validate/validate-documents.js";
import type { ValidationResult } from "../validate/validation-result.js";

/** The pipeline's pure steps, passed in so this module carries none of their weight. */
export interface PipelineSteps {
  decodePayload(bytes: Uint8Array, options: { source: string; maxBytes?: number }): Decoded;
  validateDocuments(documents: Document[], options: ValidateOptions): ValidationResult;
  renderManifest(pod: V1Pod): DesiredManifest;
  /** Needed only with a policy; loaded lazily by whoever has one. */
  compilePolicy?(policy: Policy): (pod: unknown) => FieldError[];
}

export interface DesiredSetOptions {
  maxBytes: number;
  nodeName: string;
  keepOnAbsent: boolean;
  /** The local admission policy (`--policy`): plain data, so it crosses to the worker as a copy. */
  policy?: Policy;
}

/** At most this many errors travel into logs and the state file; the rest are counted. */
export const MAX_REPORTED_ERRORS = 100;

export type DesiredSet =
  /** The directory should hold exactly these files (none for an absent key or an empty value). */
  | { kind: "set"; manifests: DesiredManifest[]; why: "pods" | "absent" | "empty" }
  /** Absent key with --keep-on-absent: leave the directory as it is. */
  | { kind: "keep" }
  /** `errors` holds at most MAX_REPORTED_ERRORS of `errorCount`; `reason` says it in a few words. */
  | { kind: "invalid"; errors: LocatedError[]; errorCount: number; reason: string };

/**
 * A revision refused before decoding, like an invalid spec: a value over the provider's cap,
 * or (with --trust) one that carries no signature verifying it. `refusal` is the event's `kind`,
 * `rule` the error's rule.
 */
export interface RefusedPayload {
  kind: "refused";
  source: string;
  revision: string;
  reason: string;
  refusal: "too-large" | "unsigned" | "bad-signature";
  rule: string;
}

/** Size and digest identify a payload in logs; its bytes never appear there. */
export interface PayloadSummary {
  bytes: number;
  sha256: string;
}

export function summarizePayload(payload: Payload | RefusedPayload): PayloadSummary | undefined {
  if (payload.kind !== "present") return undefined;
  // Sources name a value by its digest (`sha256:<hex>`, then `+sig:…` when signed): reuse it.
  const named = /^sha256:([0-9a-f]{64})/.exec(payload.revision)?.[1];
  return { bytes: payload.bytes.byteLength, sha256: named ?? sha256Hex(payload.bytes) };
}

export function resolveDesiredSet(payload: Payload | RefusedPayload, steps: PipelineSteps, options: DesiredSetOptions): DesiredSet {
  if (payload.kind === "refused") {
    return invalidSet([decodeError({ source: payload.source, document: 0 }, payload.rule, payload.reason)], payload.reason);
  }
  if (payload.kind === "absent") {
    return options.keepOnAbsent ? { kind: "keep" } : { kind: "set", manifests: [], why: "absent" };
  }
  const decoded = steps.decodePayload(payload.bytes, { source: payload.source, maxBytes: options.maxBytes });
  if (decoded.kind === "empty") return { kind: "set", manifests: [], why: "empty" };
  if (decoded.kind === "invalid") return invalidSet(decoded.errors);
  const result = steps.validateDocuments(decoded.documents, validateOptionsOf(steps, options));
  if (!result.valid) return invalidSet(result.documents.flatMap((document) => document.errors));
  const manifests = result.pods.map((valid) => steps.renderManifest(valid.pod));
  manifests.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { kind: "set", manifests, why: "pods" };
}

/** The validation options of one resolve: the policy, when there is one, compiled for it. */
export function validateOptionsOf(steps: PipelineSteps, options: DesiredSetOptions): ValidateOptions {
  if (options.policy === undefined) return { nodeName: options.nodeName };
  if (steps.compilePolicy === undefined) throw new Error("a policy was given without the step that compiles it");
  return { nodeName: options.nodeName, admit: steps.compilePolicy(options.policy) };
}

function invalidSet(errors: LocatedError[], reason = `${errors.length} error(s)`): DesiredSet {
  return { kind: "invalid", errors: errors.slice(0, MAX_REPORTED_ERRORS), errorCount: errors.length, reason };
}
