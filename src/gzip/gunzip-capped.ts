// Gzip, recognised by its magic bytes and inflated with a cap, so a gzip bomb fails fast
// instead of allocating gigabytes. A leaf: decode (whole-payload gzip) and the EC2
// user-data shapes (cloud-init and Ignition gunzip what they are given) both use it.

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

export type GunzipResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: "tooLarge" | "corrupt"; message: string };

/** The inflated bytes (at most `maxBytes`), or why not: over the cap, or not a valid gzip stream. */
export function gunzipCapped(bytes: Uint8Array, maxBytes: number): GunzipResult {
  try {
    // zlib (and the streams it pulls in) loads only for gzip payloads: most never are.
    const { gunzipSync } = process.getBuiltinModule("node:zlib");
    // maxOutputLength makes zlib stop inflating once the cap is passed.
    return { ok: true, bytes: new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes })) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      return { ok: false, reason: "tooLarge", message: `gzip payload inflates past ${maxBytes} bytes` };
    }
    if (typeof code === "string" && code.startsWith("Z_")) {
      return { ok: false, reason: "corrupt", message: `gzip payload is corrupt: ${(err as Error).message}` };
    }
    throw err;
  }
}
