// The detached signature's format: base64 of the 64-byte Ed25519 signature over the exact
// payload bytes, one line. Surrounding whitespace is ignored (gcloud and editors add newlines).
import { sign, verify, type KeyObject } from "node:crypto";

export const ED25519_SIGNATURE_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function signPayload(bytes: Uint8Array, privateKey: KeyObject): string {
  // Ed25519 hashes internally: the algorithm argument is null.
  return sign(null, bytes, privateKey).toString("base64");
}

/** The signature's bytes, or undefined when the text is not a base64 Ed25519 signature. */
export function parseSignature(text: Uint8Array): Uint8Array | undefined {
  const trimmed = Buffer.from(text).toString("latin1").trim();
  if (!BASE64.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed, "base64");
  return bytes.byteLength === ED25519_SIGNATURE_BYTES ? bytes : undefined;
}

export function verifySignature(bytes: Uint8Array, signature: Uint8Array, publicKey: KeyObject): boolean {
  return verify(null, bytes, publicKey, signature);
}
