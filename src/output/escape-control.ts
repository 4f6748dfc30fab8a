// Text that came from a payload or a server (a key holding ESC, BEL, a bidi override) must
// not reach a terminal raw: it could recolour, retitle or reorder what an operator reads.
// Control characters become visible four-hex-digit `\u` escapes (ESC is `\u001b`); newline and tab stay, since the
// output's own lines are built from them. The escapes are valid inside JSON strings too, and
// outside strings JSON has no such characters, so a JSON line stays JSON.

// C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding, override and
// isolate controls (the "Trojan Source" characters), plus line and paragraph separators.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Writes `text` to a stream with control characters escaped. */
export function writeEscaped(stream: { write(text: string): unknown }, text: string): void {
  stream.write(escapeControl(text));
}
