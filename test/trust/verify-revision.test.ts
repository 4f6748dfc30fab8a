// The one verification function, as a table: which revisions pass, and the rule of each refusal.
// Keys are generated here, never committed.
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { absentPayload, presentPayload } from "../../src/sources/revision.js";
import type { Payload } from "../../src/sources/source.js";
import { signPayload } from "../../src/trust/detached-signature.js";
import { keyIdOf, type TrustedKey } from "../../src/trust/signing-keys.js";
import { verifyRevision } from "../../src/trust/verify-revision.js";

function keyPair(path: string): { sign(bytes: string): Uint8Array; trusted: TrustedKey } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { sign: (bytes) => Buffer.from(signPayload(Buffer.from(bytes), privateKey)), trusted: { id: keyIdOf(publicKey), path, key: publicKey } };
}

const oldKey = keyPair("old.pub");
const newKey = keyPair("new.pub");
const otherKey = keyPair("other.pub");
const PODS = "apiVersion: v1\nkind: Pod\n";
const FROM = "gce:instance/attributes/kube-pods-signature";

function signed(bytes: string, signature: Uint8Array | undefined): Payload {
  return presentPayload("gce:instance/attributes/kube-pods", Buffer.from(bytes), signature === undefined ? { from: FROM } : { from: FROM, bytes: signature });
}

const flip = (signature: Uint8Array): Uint8Array => {
  const text = Buffer.from(signature).toString("latin1");
  return Buffer.from(`${text[0] === "A" ? "B" : "A"}${text.slice(1)}`);
};

describe("verifyRevision", () => {
  it.each([
    { desc: "a valid signature", payload: signed(PODS, oldKey.sign(PODS)), keys: [oldKey], signedBy: oldKey.trusted.id },
    { desc: "a valid signature with a trailing newline (gcloud, editors)", payload: signed(PODS, Buffer.from(`${Buffer.from(oldKey.sign(PODS)).toString()}\n`)), keys: [oldKey], signedBy: oldKey.trusted.id },
    { desc: "rotation: the new key among several trusted", payload: signed(PODS, newKey.sign(PODS)), keys: [oldKey, newKey], signedBy: newKey.trusted.id },
  ])("passes $desc", ({ payload, keys, signedBy }) => {
    expect(verifyRevision(payload, keys.map((k) => k.trusted))).toEqual({ ...payload, signedBy });
  });

  it.each([
    { desc: "a tampered payload (changed without a new signature)", payload: signed(`${PODS}# more\n`, oldKey.sign(PODS)), rule: "trust.signatureInvalid", refusal: "bad-signature" },
    { desc: "a tampered signature", payload: signed(PODS, flip(oldKey.sign(PODS))), rule: "trust.signatureInvalid", refusal: "bad-signature" },
    { desc: "a signature by a key not trusted", payload: signed(PODS, otherKey.sign(PODS)), rule: "trust.signatureInvalid", refusal: "bad-signature" },
    { desc: "a missing signature", payload: signed(PODS, undefined), rule: "trust.signatureMissing", refusal: "unsigned" },
    { desc: "a signature that is not base64 of 64 bytes", payload: signed(PODS, Buffer.from("not a signature")), rule: "trust.signatureMalformed", refusal: "bad-signature" },
    { desc: "a source with no place for a signature", payload: presentPayload("azure:userData", Buffer.from(PODS)), rule: "trust.unsupported", refusal: "unsigned" },
    { desc: "an absent key", payload: absentPayload("gce:instance/attributes/kube-pods"), rule: "trust.absent", refusal: "unsigned" },
  ])("refuses $desc, keeping the revision", ({ payload, rule, refusal }) => {
    expect(verifyRevision(payload, [oldKey.trusted])).toEqual({
      kind: "refused", source: payload.source, revision: payload.revision, reason: expect.any(String), refusal, rule,
    });
  });

  it("a retired key no longer verifies once it is not trusted", () => {
    expect(verifyRevision(signed(PODS, oldKey.sign(PODS)), [newKey.trusted])).toMatchObject({ kind: "refused", rule: "trust.signatureInvalid" });
  });

  it("a new signature over the same bytes is a new revision; the value alone is not enough to tell", () => {
    expect(signed(PODS, oldKey.sign(PODS)).revision).not.toBe(signed(PODS, newKey.sign(PODS)).revision);
    expect(signed(PODS, oldKey.sign(PODS)).revision).toMatch(/^sha256:[0-9a-f]{64}\+sig:[0-9a-f]{16}$/);
    expect(signed(PODS, undefined).revision).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
