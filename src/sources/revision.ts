// Revisions are content digests: the same bytes always give the same revision, whatever
// the transport's ETag did (a GCE directory ETag also changes when another key changes).
import { sha256Hex } from "../digest/sha256-hex.js";
import type { Payload, SignatureLookup } from "./source.js";

export const ABSENT_REVISION = "absent";

export function presentPayload(source: string, bytes: Uint8Array, signature?: SignatureLookup): Payload {
  const revision = `sha256:${sha256Hex(bytes)}`;
  if (signature === undefined) return { kind: "present", source, revision, bytes };
  // The signature's digest joins the revision: a new signature over the same bytes is handled again.
  const signed = signature.bytes === undefined ? revision : `${revision}+sig:${sha256Hex(signature.bytes).slice(0, 16)}`;
  return { kind: "present", source, revision: signed, bytes, signature };
}

/** The same value with the signature the source read beside it. */
export function withSignature(payload: Payload, signature: SignatureLookup): Payload {
  return payload.kind === "present" ? presentPayload(payload.source, payload.bytes, signature) : payload;
}

export function absentPayload(source: string): Payload {
  return { kind: "absent", source, revision: ABSENT_REVISION };
}

/** What may be logged about a payload: never its bytes, only size and digest. */
export function describePayload(payload: Payload): { source: string; revision: string; bytes?: number } {
  return payload.kind === "present"
    ? { source: payload.source, revision: payload.revision, bytes: payload.bytes.byteLength }
    : { source: payload.source, revision: payload.revision };
}
