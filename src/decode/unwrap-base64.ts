// Whole-payload base64 (Azure userData always, other clouds' user-data often). Only the
// standard alphabet with optional line breaks and padding counts; YAML never matches it,
// because a pod needs at least one ':'.
const BASE64_TEXT = /^[A-Za-z0-9+/\r\n]+={0,2}[\r\n]*$/;
const MAX_LINE_BREAKS_RATIO = 16; // base64 tools wrap at 60-76 characters, never shorter

/** What BASE64_TEXT lets a payload start with: the alphabet or a line break; `{` or `---` is not base64. */
function isBase64Byte(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f || b === 0x0a || b === 0x0d);
}

export function decodeWholeBase64(bytes: Uint8Array): Uint8Array | undefined {
  // Checked first so a JSON or YAML payload is not copied into a string only to fail the regex.
  if (bytes.length < 4 || !isBase64Byte(bytes[0])) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  if (!BASE64_TEXT.test(text)) return undefined;
  const compact = text.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0) return undefined;
  const breaks = text.length - compact.length;
  if (breaks > 0 && compact.length / breaks < MAX_LINE_BREAKS_RATIO) return undefined;
  return Buffer.from(compact, "base64");
}
