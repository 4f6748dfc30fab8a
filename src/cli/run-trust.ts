// `rower keygen` and `rower sign`: results on stdout, problems on stderr (exit 2).
import { mkdir } from "node:fs/promises";
import { writeEscaped } from "../output/escape-control.js";
import { signPayload } from "../trust/detached-signature.js";
import { readPrivateKey, writeKeyPair } from "../trust/signing-keys.js";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import { readInput } from "./read-input.js";

/** Whatever --max-bytes a daemon runs with (at most 64 MiB), its payload can be signed. */
const SIGN_MAX_BYTES = 64 * 1024 * 1024;

export async function runKeygen(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException | undefined)?.code === undefined) throw err;
  });
  const written = await writeKeyPair(dir);
  if (!written.ok) {
    writeEscaped(process.stderr, `rower keygen: ${written.message}\n`);
    return EXIT_USAGE;
  }
  const { privatePath, publicPath, id } = written.value;
  writeEscaped(process.stdout, `private key ${privatePath} (mode 0600: keep it off the VMs)\npublic key  ${publicPath} (give it to rower run --trust)\nkey id      ${id}\n`);
  return EXIT_OK;
}

export async function runSign(file: string, keyPath: string): Promise<number> {
  const key = await readPrivateKey(keyPath);
  if (!key.ok) {
    writeEscaped(process.stderr, `rower sign: ${key.message}\n`);
    return EXIT_USAGE;
  }
  const bytes = await payloadBytes(file);
  if (!bytes.ok) {
    writeEscaped(process.stderr, `rower sign: ${bytes.message}\n`);
    return EXIT_USAGE;
  }
  process.stdout.write(`${signPayload(bytes.bytes, key.value)}\n`);
  return EXIT_OK;
}

/** The exact bytes the daemon verifies: a file's, or a directory's as the file: source joins them (readInput reads it with that source). */
async function payloadBytes(file: string): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; message: string }> {
  const read = await readInput(file, SIGN_MAX_BYTES);
  return read.ok ? { ok: true, bytes: read.bytes } : read;
}
