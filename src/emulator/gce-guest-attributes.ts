// GCE guest attributes (computeMetadata/v1/instance/guest-attributes/NAMESPACE/KEY): the one
// part of the metadata server a VM writes. Answered only when enabled by the metadata key
// `enable-guest-attributes=TRUE` (the instance's value wins over the project's), else 403 with
// the server's wording; PUT sets a value (the request body), DELETE removes it, GET reads a
// value, lists a namespace or the namespaces, and `?recursive=true&alt=json` gives them as JSON.
import type { IncomingMessage } from "node:http";
import type { EmulatorState } from "./emulator-state.js";
import { textReply, type Reply } from "./send-reply.js";

export const GUEST_ATTRIBUTES_PATH = "/instance/guest-attributes";
const ENABLE_KEY = "enable-guest-attributes";
const SEGMENT = /^[A-Za-z0-9_-]{1,128}$/;
/** Not a documented figure: the emulator only keeps a runaway writer from costing memory. */
const MAX_VALUE_BYTES = 256 * 1024;

export function guestAttributesEnabled(state: EmulatorState): boolean {
  const value = state.instanceAttributes.get(ENABLE_KEY) ?? state.projectAttributes.get(ENABLE_KEY);
  return value !== undefined && value.toString("utf8").trim().toLowerCase() === "true";
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_VALUE_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `path` is below the v1 base and starts with GUEST_ATTRIBUTES_PATH; the flavor header is already checked. */
export async function answerGuestAttributes(state: EmulatorState, req: IncomingMessage, path: string, query: URLSearchParams): Promise<Reply> {
  if (!guestAttributesEnabled(state)) return textReply(403, "Guest attributes endpoint access is disabled.\n");
  const segments = path.slice(GUEST_ATTRIBUTES_PATH.length).split("/").filter((s) => s !== "");
  const method = req.method ?? "GET";
  if (method === "PUT" || method === "DELETE") {
    const [namespace, key, ...rest] = segments;
    if (namespace === undefined || key === undefined || rest.length > 0 || !SEGMENT.test(namespace) || !SEGMENT.test(key)) {
      return textReply(400, "guest attributes are set at instance/guest-attributes/NAMESPACE/KEY\n");
    }
    if (method === "DELETE") {
      state.guestAttributes.get(namespace)?.delete(key);
      if (state.guestAttributes.get(namespace)?.size === 0) state.guestAttributes.delete(namespace);
      return textReply(200, "");
    }
    const body = await readBody(req);
    if (body === undefined) return textReply(413, "value too large\n");
    const keys = state.guestAttributes.get(namespace) ?? new Map<string, string>();
    keys.set(key, body.toString("utf8"));
    state.guestAttributes.set(namespace, keys);
    return textReply(200, "");
  }
  if (method !== "GET" && method !== "HEAD") return textReply(405, "Method not allowed\n");
  const [namespace, key] = segments;
  if (segments.length > 2) return textReply(404, "Not Found\n");
  if (namespace === undefined) {
    if (query.get("recursive") === "true") return jsonReply(asJson(state));
    return textReply(200, [...state.guestAttributes.keys()].sort().map((ns) => `${ns}/\n`).join(""));
  }
  const keys = state.guestAttributes.get(namespace);
  if (keys === undefined) return textReply(404, "Not Found\n");
  if (key === undefined) {
    if (query.get("recursive") === "true") return jsonReply(Object.fromEntries([...keys.entries()].sort()));
    return textReply(200, [...keys.keys()].sort().map((k) => `${k}\n`).join(""));
  }
  const value = keys.get(key);
  return value === undefined ? textReply(404, "Not Found\n") : textReply(200, value);
}

/** Every namespace and key, for the admin API and recursive reads. */
export function asJson(state: EmulatorState): Record<string, Record<string, string>> {
  return Object.fromEntries([...state.guestAttributes.entries()].sort().map(([ns, keys]) => [ns, Object.fromEntries([...keys.entries()].sort())]));
}

function jsonReply(value: unknown): Reply {
  return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}
