// Reads one CLI input: a file, or standard input for `-`. I/O failures are values with
// a one-line message naming the input; the command turns them into exit 2.
import { readFile } from "node:fs/promises";

export const STDIN_NAME = "stdin";

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

export async function readInput(spec: string): Promise<InputBytes> {
  if (spec === "-") return { ok: true, source: STDIN_NAME, bytes: await readStdin() };
  try {
    return { ok: true, source: spec, bytes: await readFile(spec) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code !== "string") throw err;
    return { ok: false, message: `cannot read ${spec}: ${reasonOf(e)}` };
  }
}
