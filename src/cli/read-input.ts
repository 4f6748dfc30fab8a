// Reads one CLI input: a file, a directory (read as `--source file:DIR` reads it: non-dot,
// non-leftover files in name order, documents concatenated), or standard input for `-`.
// I/O failures are values with a one-line message naming the input; the command turns them
// into exit 2.
import { readFile, stat } from "node:fs/promises";

export const STDIN_NAME = "stdin";
/** A directory still changing after this long is an I/O error, not a hang. */
const DIRECTORY_READ_TIMEOUT_MS = 10_000;

export type InputBytes =
  | { ok: true; source: string; bytes: Uint8Array }
  | { ok: false; message: string };

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reasonOf(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ENOENT": return "no such file";
    case "EACCES": return "permission denied";
    case "EISDIR": return "is a directory";
    default: return err.message;
  }
}

export async function readInput(spec: string, maxBytes: number): Promise<InputBytes> {
  if (spec === "-") return { ok: true, source: STDIN_NAME, bytes: await readStdin() };
  try {
    if ((await stat(spec)).isDirectory()) return await readDirectory(spec, maxBytes);
    return { ok: true, source: spec, bytes: await readFile(spec) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code !== "string") throw err;
    return { ok: false, message: `cannot read ${spec}: ${reasonOf(e)}` };
  }
}

/** The daemon's own file source reads the directory, so the CLI and `--source file:DIR` agree. */
async function readDirectory(spec: string, maxBytes: number): Promise<InputBytes> {
  const { FileSource } = await import("../sources/file.js");
  const read = await new FileSource(spec, { maxBytes }).read(AbortSignal.timeout(DIRECTORY_READ_TIMEOUT_MS));
  if (read.kind === "error") return { ok: false, message: `cannot read ${spec}: ${read.message}` };
  return { ok: true, source: spec, bytes: read.kind === "present" ? read.bytes : new Uint8Array() };
}
