// EC2 user-data comes in three shapes, and rower must find its spec in each:
//   1. the spec itself (images without Ignition);
//   2. cloud-init MIME multipart with a part of type `text/x-kube-pods`;
//   3. an Ignition config (Flatcar/FCOS, where user-data must be Ignition or first boot
//      fails) whose `storage.files` entry at the configured path holds the spec as a data URL.
// cloud-init gunzips user-data before looking at it, so a gzip wrapper is looked through.
import { gunzipSync } from "node:zlib";

export const KUBE_PODS_MIME_TYPE = "text/x-kube-pods";

export type UserDataShape = "raw" | "mime" | "ignition" | "cloud-init";

export type ExtractedSpec =
  | { kind: "spec"; shape: UserDataShape; bytes: Uint8Array }
  | { kind: "absent"; shape: UserDataShape; reason: string }
  | { kind: "invalid"; shape: UserDataShape; message: string };

export interface ExtractOptions {
  ignitionPath: string;
  /** Cap on anything this step decompresses. */
  maxBytes: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** User-data meant for cloud-init alone: no spec in it. */
const CLOUD_INIT_MARKERS = ["#cloud-config", "#!", "#include", "#cloud-boothook", "#part-handler", "## template"];

function gunzip(bytes: Uint8Array, maxBytes: number): Uint8Array | string {
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: maxBytes }));
  } catch (err) {
    return `gzip: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

export function extractUserDataSpec(userData: Uint8Array, options: ExtractOptions): ExtractedSpec {
  const plain = isGzip(userData) ? gunzip(userData, options.maxBytes) : userData;
  if (typeof plain === "string") return { kind: "invalid", shape: "raw", message: plain };
  const text = Buffer.from(plain).toString("utf8");
  const head = text.trimStart();
  if (/^(mime-version:|content-type:\s*multipart\/)/i.test(head)) return extractMimePart(text);
  if (head.startsWith("{")) {
    const ignition = parseIgnition(head);
    if (ignition !== undefined) return extractIgnitionFile(ignition, options);
  }
  if (CLOUD_INIT_MARKERS.some((marker) => head.startsWith(marker))) {
    return { kind: "absent", shape: "cloud-init", reason: "user-data is for cloud-init and holds no spec" };
  }
  // The spec itself: decode sees the bytes exactly as given (gzip included).
  return { kind: "spec", shape: "raw", bytes: userData };
}

interface MimeEntity {
  headers: Map<string, string>;
  body: string;
}

function parseEntity(text: string): MimeEntity {
  const split = /\r?\n\r?\n/.exec(text);
  const headerText = split === null ? text : text.slice(0, split.index);
  const body = split === null ? "" : text.slice(split.index + split[0].length);
  const headers = new Map<string, string>();
  // Folded header lines continue with whitespace.
  for (const line of headerText.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function extractMimePart(text: string): ExtractedSpec {
  const message = parseEntity(text.trimStart());
  const contentType = message.headers.get("content-type") ?? "";
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (delimiter === undefined) return { kind: "invalid", shape: "mime", message: "multipart user-data without a boundary" };
  const sections = message.body.split(new RegExp(`(?:^|\\r?\\n)--${delimiter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  // sections[0] is the preamble; a section starting with "--" is the closing delimiter.
  for (const section of sections.slice(1)) {
    if (section.startsWith("--")) break;
    const part = parseEntity(section.replace(/^[ \t]*\r?\n/, ""));
    const type = (part.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== KUBE_PODS_MIME_TYPE) continue;
    const encoding = (part.headers.get("content-transfer-encoding") ?? "").toLowerCase();
    const bytes = encoding === "base64" ? Buffer.from(part.body.replace(/\s+/g, ""), "base64") : Buffer.from(part.body, "utf8");
    return { kind: "spec", shape: "mime", bytes: new Uint8Array(bytes) };
  }
  return { kind: "absent", shape: "mime", reason: `no ${KUBE_PODS_MIME_TYPE} part` };
}

interface IgnitionFile {
  path?: unknown;
  contents?: { source?: unknown; compression?: unknown };
}

function parseIgnition(text: string): { storage?: { files?: unknown } } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  const version = (value as { ignition?: { version?: unknown } } | null)?.ignition?.version;
  return typeof version === "string" ? (value as { storage?: { files?: unknown } }) : undefined;
}

function extractIgnitionFile(config: { storage?: { files?: unknown } }, options: ExtractOptions): ExtractedSpec {
  const files = Array.isArray(config.storage?.files) ? (config.storage.files as IgnitionFile[]) : [];
  const file = files.find((entry) => entry?.path === options.ignitionPath);
  if (file === undefined) return { kind: "absent", shape: "ignition", reason: `no storage.files entry at ${options.ignitionPath}` };
  const source = file.contents?.source;
  // Ignition writes an empty file for a missing or null source.
  if (source === undefined || source === null) return { kind: "spec", shape: "ignition", bytes: new Uint8Array() };
  if (typeof source !== "string") return { kind: "invalid", shape: "ignition", message: "contents.source is not a string" };
  const data = decodeDataUrl(source);
  if (typeof data === "string") return { kind: "invalid", shape: "ignition", message: data };
  const compression = file.contents?.compression;
  if (compression === "gzip") {
    const bytes = gunzip(data, options.maxBytes);
    return typeof bytes === "string" ? { kind: "invalid", shape: "ignition", message: bytes } : { kind: "spec", shape: "ignition", bytes };
  }
  if (compression !== undefined && compression !== null && compression !== "") {
    return { kind: "invalid", shape: "ignition", message: `unsupported compression ${JSON.stringify(compression)}` };
  }
  return { kind: "spec", shape: "ignition", bytes: data };
}

/** RFC 2397 `data:[<mediatype>][;base64],<data>`; other schemes would mean fetching. */
export function decodeDataUrl(url: string): Uint8Array | string {
  if (!url.startsWith("data:")) return `contents.source must be a data URL, got scheme ${url.split(":")[0]}:`;
  const comma = url.indexOf(",");
  if (comma < 0) return "data URL without a comma";
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  try {
    const text = decodeURIComponent(data);
    return new Uint8Array(/;base64$/i.test(meta) ? Buffer.from(text, "base64") : Buffer.from(text, "utf8"));
  } catch (err) {
    if (err instanceof URIError) return `data URL: bad percent-encoding`;
    throw err;
  }
}
