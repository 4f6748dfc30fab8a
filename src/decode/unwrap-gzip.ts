// Whole-payload gzip (cloud user-data is often sent compressed), detected by its magic
// bytes. The inflater is capped, so a gzip bomb fails fast instead of allocating gigabytes.

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

export type GunzipResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: "tooLarge" | "corrupt"; message: string };

export function gunzipCapped(bytes: Uint8Array, maxBytes: number): GunzipResult {
  try {
    // zlib (and the streams it pulls in) loads only for gzip payloads: most never are.
    const { gunzipSync } = process.getBuiltinModule("node:zlib");
    // maxOutputLength makes zlib stop inflating once the cap is passed.
    return { ok: true, bytes: gunzipSync(bytes, { maxOutputLength: maxBytes + 1 }) };
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
