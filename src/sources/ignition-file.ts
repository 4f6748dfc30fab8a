// The spec inside an Ignition config (Flatcar/FCOS user-data): the `storage.files` entry at
// the configured path. Per the Ignition 3.x spec the file's content is `contents` (if any)
// followed by each `append` entry in order; each resource may be gzip-compressed and may
// carry `verification.hash` (`sha256-<hex>`/`sha512-<hex>`, of the decompressed bytes).
// Only data URLs are read: rower cannot fetch http/s3/gs sources, and says so rather than
// calling the file empty (an empty spec would delete every pod).
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { gunzipCapped } from "../gzip/gunzip-capped.js";
import { isMapping } from "../guards/is-mapping.js";

export type IgnitionFileResult = { kind: "file"; bytes: Uint8Array } | { kind: "absent"; reason: string } | { kind: "invalid"; message: string };

export interface IgnitionConfig {
  storage?: { files?: unknown };
}

const HASH_FORMAT = /^(sha256|sha512)-([0-9a-f]+)$/i;
/** The source schemes Ignition fetches; an unknown one is not named back (messages quote no user-data). */
const IGNITION_SCHEMES = new Set(["http", "https", "tftp", "s3", "gs", "arn"]);

/** The config if `text` is JSON with a string `ignition.version`, else undefined. */
export function parseIgnition(text: string): IgnitionConfig | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  const version = (value as { ignition?: { version?: unknown } } | null)?.ignition?.version;
  return typeof version === "string" ? (value as IgnitionConfig) : undefined;
}

/** RFC 2397 `data:[<mediatype>][;base64],<data>`. */
export function decodeDataUrl(url: string): Uint8Array | string {
  const comma = url.indexOf(",");
  if (comma < 0) return "data URL without a comma";
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  try {
    const text = decodeURIComponent(data);
    return new Uint8Array(/;base64$/i.test(meta) ? Buffer.from(text, "base64") : Buffer.from(text, "utf8"));
  } catch (err) {
    if (err instanceof URIError) return "data URL: bad percent-encoding";
    throw err;
  }
}

function verifyHash(bytes: Uint8Array, verification: unknown, where: string): string | undefined {
  if (verification === undefined || verification === null) return undefined;
  if (!isMapping(verification)) return `${where}.verification is not an object`;
  const hash = verification.hash;
  if (hash === undefined || hash === null) return undefined;
  const match = typeof hash === "string" ? HASH_FORMAT.exec(hash) : null;
  if (match === null) return `${where}.verification.hash must be sha256-<hex> or sha512-<hex>`;
  const [, algorithm = "", expected = ""] = match;
  const actual = createHash(algorithm.toLowerCase()).update(bytes).digest("hex");
  if (actual !== expected.toLowerCase()) return `${where}.verification.hash mismatch: expected ${hash}, got ${algorithm.toLowerCase()}-${actual}`;
  return undefined;
}

/** One resource's bytes (`contents` or an `append` entry): data URL, gunzip, hash check. */
function readResource(resource: unknown, where: string, maxBytes: number): Uint8Array | string {
  if (!isMapping(resource)) return `${where} is not an object`;
  const source = resource.source;
  // Ignition writes nothing for a missing or null source.
  if (source === undefined || source === null) return new Uint8Array();
  if (typeof source !== "string") return `${where}.source is not a string`;
  if (!source.startsWith("data:")) {
    const scheme = source.split(":")[0]?.toLowerCase() ?? "";
    const kind = IGNITION_SCHEMES.has(scheme) ? `a ${scheme}: URL` : "not a data URL";
    return `${where}.source is ${kind}; rower cannot fetch it (inline the file as a data URL)`;
  }
  const data = decodeDataUrl(source);
  if (typeof data === "string") return `${where}.source: ${data}`;
  const compression = resource.compression;
  let bytes = data;
  if (compression === "gzip") {
    const unzipped = gunzipCapped(data, maxBytes);
    if (!unzipped.ok) return `${where}: ${unzipped.message}`;
    bytes = unzipped.bytes;
  } else if (compression !== undefined && compression !== null && compression !== "") {
    return `${where}: unsupported compression (Ignition knows gzip only)`;
  }
  return verifyHash(bytes, resource.verification, where) ?? bytes;
}

/** The content Ignition would write at `path` (compared after POSIX normalisation). */
export function extractIgnitionFile(config: IgnitionConfig, path: string, maxBytes: number): IgnitionFileResult {
  const wanted = posix.normalize(path);
  const files = Array.isArray(config.storage?.files) ? (config.storage.files as unknown[]) : [];
  const matches = files.filter((entry) => isMapping(entry) && typeof entry.path === "string" && posix.normalize(entry.path) === wanted);
  if (matches.length === 0) return { kind: "absent", reason: `no storage.files entry at ${wanted}` };
  // Ignition rejects a config naming one path twice.
  if (matches.length > 1) return { kind: "invalid", message: `${matches.length} storage.files entries at ${wanted}` };
  const file = matches[0] as Record<string, unknown>;
  const parts: Uint8Array[] = [];
  if (file.contents !== undefined && file.contents !== null) {
    const contents = readResource(file.contents, "contents", maxBytes);
    if (typeof contents === "string") return { kind: "invalid", message: contents };
    parts.push(contents);
  }
  const append = file.append ?? [];
  if (!Array.isArray(append)) return { kind: "invalid", message: "append is not a list" };
  for (const [index, entry] of append.entries()) {
    if (isMapping(entry) && (entry.source === undefined || entry.source === null)) {
      return { kind: "invalid", message: `append[${index}] has no source` };
    }
    const bytes = readResource(entry, `append[${index}]`, maxBytes);
    if (typeof bytes === "string") return { kind: "invalid", message: bytes };
    parts.push(bytes);
  }
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  if (total > maxBytes) return { kind: "invalid", message: `file at ${wanted} is ${total} bytes, over the ${maxBytes}-byte cap` };
  return { kind: "file", bytes: new Uint8Array(Buffer.concat(parts)) };
}
