// Text must be UTF-8 (the kubelet and kubectl read it that way); the first bad byte is
// reported with its offset and line instead of being replaced by U+FFFD.
const strictUtf8 = () => new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export type Utf8Result =
  | { ok: true; text: string }
  | { ok: false; offset: number; line: number };

export function decodeUtf8(bytes: Uint8Array): Utf8Result {
  try {
    // ignoreBOM: false strips a leading UTF-8 BOM, which YAML allows.
    return { ok: true, text: strictUtf8().decode(bytes) };
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const offset = findInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    return { ok: false, offset, line };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let need: number;
    let min: number;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid too.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return bytes.length;
}
