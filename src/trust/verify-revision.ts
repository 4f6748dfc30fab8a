// `--trust`: the one place a revision's signature is checked, before anything decodes it. A
// revision passes only when the signature the source read with it verifies over its exact bytes
// with one of the trusted keys; anything else becomes a RefusedPayload, refused like an invalid
// spec (nothing applied, readiness says why).
//
// An absent key is refused too. Absence carries no signature, and whoever can delete a metadata
// key could otherwise remove every pod without the private key. Under --trust, removing every pod
// takes a signed empty value, which then still passes the wipe guard.
import { sha256Hex } from "../digest/sha256-hex.js";
import type { RefusedPayload } from "../daemon/desired-set.js";

import type { Payload } from "../sources/source.js";
import { parseSignature, verifySignature } from "./detached-signature.js";
import type { TrustedKey } from "./signing-keys.js";

export function verifyRevision(revision: Payload | RefusedPayload, keys: readonly TrustedKey[]): Payload | RefusedPayload {
  if (revision.kind === "refused") return revision;
  const refuse = (refusal: RefusedPayload["refusal"], rule: string, reason: string): RefusedPayload =>
    ({ kind: "refused", source: revision.source, revision: revision.revision, reason, refusal, rule });
  if (revision.kind === "absent") {
    return refuse("unsigned", "trust.absent",
      "the key is absent: under --trust only a signed value changes the pods (publish a signed empty value to remove them all)");
  }
  const lookup = revision.signature;
  if (lookup === undefined) return refuse("unsigned", "trust.unsupported", `${revision.source} has no place for a signature: --trust refuses every value from it`);
  if (lookup.bytes === undefined) return refuse("unsigned", "trust.signatureMissing", `no signature at ${lookup.from}: under --trust a value is applied only with a signature that verifies`);
  const signature = parseSignature(lookup.bytes);
  if (signature === undefined) return refuse("bad-signature", "trust.signatureMalformed", `the value at ${lookup.from} is not a signature (base64 of 64 Ed25519 bytes, as rower sign prints)`);
  const signer = keys.find((k) => verifySignature(revision.bytes, signature, k.key));
  if (signer === undefined) {
    return refuse("bad-signature", "trust.signatureInvalid",
      `the signature at ${lookup.from} does not verify over this value (sha256:${sha256Hex(revision.bytes)}) with any of the ${keys.length} trusted key(s)`);
  }
  return { ...revision, signedBy: signer.id };
}
