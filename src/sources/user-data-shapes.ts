// EC2 user-data comes in three shapes, and rower must find its spec in each:
//   1. the spec itself (images without Ignition);
//   2. cloud-init MIME multipart with parts of type `text/x-kube-pods` (mime-user-data.ts);
//   3. an Ignition config (Flatcar/FCOS, where user-data must be Ignition or first boot
//      fails) whose `storage.files` entry at the configured path holds the spec (ignition-file.ts).
// cloud-init gunzips user-data before looking at it, so a gzip wrapper is looked through.
import { gunzipCapped, isGzip } from "../gzip/gunzip-capped.js";
import { extractIgnitionFile, parseIgnition, type IgnitionConfig } from "./ignition-file.js";
import { extractMimeSpec } from "./mime-user-data.js";

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
  const plain = isGzip(userData) ? gunzipCapped(userData, options.maxBytes) : { ok: true as const, bytes: userData };
  if (!plain.ok) return { kind: "invalid", shape: "raw", message: plain.message };
  const text = Buffer.from(plain.bytes).toString("utf8");
  const head = text.trimStart();
  if (/^(mime-version:|content-type:\s*multipart\/)/i.test(head)) return extractMimeUserData(text);
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

function extractMimeUserData(text: string): ExtractedSpec {
  const result = extractMimeSpec(text);
  if (result.kind === "spec") return { kind: "spec", shape: "mime", bytes: result.bytes };
  if (result.kind === "absent") return { kind: "absent", shape: "mime", reason: result.reason };
  return { kind: "invalid", shape: "mime", message: result.message };
}

function extractIgnitionSpec(config: IgnitionConfig, options: ExtractOptions): ExtractedSpec {
  const file = extractIgnitionFile(config, options.ignitionPath, options.maxBytes);
  if (file.kind === "file") return { kind: "spec", shape: "ignition", bytes: file.bytes };
  if (file.kind === "absent") return { kind: "absent", shape: "ignition", reason: file.reason };
  return { kind: "invalid", shape: "ignition", message: file.message };
}
