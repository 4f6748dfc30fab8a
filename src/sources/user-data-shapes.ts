// EC2 user-data comes in three shapes, and rower must find its spec in each:
//   1. the spec itself (images without Ignition);
//   2. cloud-init MIME multipart with a part of type `text/x-kube-pods`;
//   3. an Ignition config (Flatcar/FCOS, where user-data must be Ignition or first boot
//      fails) whose `storage.files` entry at the configured path holds the spec (ignition-file.ts).
// cloud-init gunzips user-data before looking at it, so a gzip wrapper is looked through.
import { gunzipBounded, isGzip } from "./bounded-gunzip.js";
import { extractIgnitionFile, parseIgnition, type IgnitionConfig } from "./ignition-file.js";

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

/** User-data meant for cloud-init alone: no spec in it. */
const CLOUD_INIT_MARKERS = ["#cloud-config", "#!", "#include", "#cloud-boothook", "#part-handler", "## template"];

export function extractUserDataSpec(userData: Uint8Array, options: ExtractOptions): ExtractedSpec {
  const plain = isGzip(userData) ? gunzipBounded(userData, options.maxBytes) : userData;
  if (typeof plain === "string") return { kind: "invalid", shape: "raw", message: plain };
  const text = Buffer.from(plain).toString("utf8");
  const head = text.trimStart();
  if (/^(mime-version:|content-type:\s*multipart\/)/i.test(head)) return extractMimePart(text);
  if (head.startsWith("{")) {
    const ignition = parseIgnition(head);
    if (ignition !== undefined) return extractIgnitionSpec(ignition, options);
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

function extractIgnitionSpec(config: IgnitionConfig, options: ExtractOptions): ExtractedSpec {
  const file = extractIgnitionFile(config, options.ignitionPath, options.maxBytes);
  if (file.kind === "file") return { kind: "spec", shape: "ignition", bytes: file.bytes };
  if (file.kind === "absent") return { kind: "absent", shape: "ignition", reason: file.reason };
  return { kind: "invalid", shape: "ignition", message: file.message };
}
