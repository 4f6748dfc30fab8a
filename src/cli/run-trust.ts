// `rower keygen` and `rower sign`: results on stdout, problems on stderr (exit 2).
import { mkdir, stat } from "node:fs/promises";
import { writeEscaped } from "../output/escape-control.js";
import { FileSource } from "../sources/file.js";
import { signPayload } from "../trust/detached-signature.js";
import { readPrivateKey, writeKeyPair } from "../trust/signing-keys.js";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import { readInput } from "./read-input.js";

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

/** The exact bytes the daemon verifies: a file's, or a directory's as the file: source joins them. */
async function payloadBytes(file: string): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; message: string }> {
  const isDirectory = file !== "-" && (await stat(file).then((info) => info.isDirectory(), () => false));
  if (!isDirectory) {
    const read = await readInput(file);
    return read.ok ? { ok: true, bytes: read.bytes } : read;
  }
  const payload = await new FileSource(file, {}).read(AbortSignal.timeout(30_000));
  if (payload.kind === "error") return { ok: false, message: `cannot read ${file}: ${payload.message}` };
  if (payload.kind === "absent") return { ok: false, message: `${file} holds nothing to sign` };
  return { ok: true, bytes: payload.bytes };
}
