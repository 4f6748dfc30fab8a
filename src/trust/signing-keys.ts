// Ed25519 keys for signed specs, with node:crypto only. A private key is PKCS#8 PEM written
// owner-only (0600), a public key SPKI PEM; a key is named in logs by its id, the first 16 hex
// digits of the sha256 of its SPKI DER encoding (the same key always has the same id).
import { sha256Hex } from "../digest/sha256-hex.js";
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

export const PRIVATE_KEY_FILE = "rower.key";
export const PUBLIC_KEY_FILE = "rower.pub";
/** A PEM key is a few hundred bytes; reading stops well before a wrong file could cost memory. */
const MAX_KEY_FILE_BYTES = 16 * 1024;

export interface TrustedKey {
  id: string;
  path: string;
  key: KeyObject;
}

export type KeyResult<T> = { ok: true; value: T } | { ok: false; message: string };

export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: "spki", format: "der" })).slice(0, 16);
}

/** Writes a new pair into `dir`; never overwrites a key that is there (O_EXCL), and leaves no half pair. */
export async function writeKeyPair(dir: string): Promise<KeyResult<{ privatePath: string; publicPath: string; id: string }>> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  const written: string[] = [];
  try {
    await writeExclusive(privatePath, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), 0o600);
    written.push(privatePath);
    await writeExclusive(publicPath, publicKey.export({ type: "spki", format: "pem" }).toString(), 0o644);
    return { ok: true, value: { privatePath, publicPath, id: keyIdOf(publicKey) } };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === undefined) throw err;
    for (const path of written) await rm(path, { force: true });
    const path = (err as NodeJS.ErrnoException).path ?? dir;
    return { ok: false, message: code === "EEXIST" ? `${path} already exists: rower keygen never overwrites a key` : `cannot write ${path}: ${code}` };
  }
}

async function writeExclusive(path: string, text: string, mode: number): Promise<void> {
  const handle = await open(path, "wx", mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readKeyText(path: string): Promise<KeyResult<string>> {
  try {
    const text = await readFile(path, "utf8");
    if (Buffer.byteLength(text) > MAX_KEY_FILE_BYTES) return { ok: false, message: `${path} is too large to be a key` };
    return { ok: true, value: text };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === undefined) throw err;
    return { ok: false, message: `cannot read ${path}: ${code === "ENOENT" ? "no such file" : code}` };
  }
}

export async function readPrivateKey(path: string): Promise<KeyResult<KeyObject>> {
  const text = await readKeyText(path);
  if (!text.ok) return text;
  let key: KeyObject;
  try {
    key = createPrivateKey(text.value);
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    return { ok: false, message: `${path} is not a private key (PEM PKCS#8, as rower keygen writes)` };
  }
  return key.asymmetricKeyType === "ed25519" ? { ok: true, value: key } : { ok: false, message: `${path} is a ${key.asymmetricKeyType ?? "unknown"} key; rower signs with Ed25519` };
}

/** `--trust` files: every one must be an Ed25519 public key, or nothing is trusted and the caller refuses to start. */
export async function readTrustedKeys(paths: readonly string[]): Promise<KeyResult<TrustedKey[]>> {
  const keys: TrustedKey[] = [];
  for (const path of paths) {
    const text = await readKeyText(path);
    if (!text.ok) return text;
    let key: KeyObject;
    try {
      key = createPublicKey(text.value);
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      return { ok: false, message: `${path} is not a public key (PEM SPKI, as rower keygen writes to ${PUBLIC_KEY_FILE})` };
    }
    // createPublicKey also accepts a private key and derives its public half: a private key has no place in --trust.
    if (text.value.includes("PRIVATE KEY")) return { ok: false, message: `${path} holds a private key: --trust takes the public key (${PUBLIC_KEY_FILE})` };
    if (key.asymmetricKeyType !== "ed25519") return { ok: false, message: `${path} is a ${key.asymmetricKeyType ?? "unknown"} key; rower verifies Ed25519 signatures` };
    keys.push({ id: keyIdOf(key), path, key });
  }
  return { ok: true, value: keys };
}
