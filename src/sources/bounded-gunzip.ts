// Gunzip with a cap on the output, for user-data wrappers (cloud-init gunzips user-data,
// Ignition gunzips `compression: gzip` files); a bad stream is a message, not a throw.
import { gunzipSync } from "node:zlib";

const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** The decompressed bytes, or why they could not be had (corrupt, or over `maxBytes`). */
export function gunzipBounded(bytes: Uint8Array, maxBytes: number): Uint8Array | string {
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes }));
  } catch (err) {
    return `gzip: ${err instanceof Error ? err.message : String(err)}`;
  }
}
