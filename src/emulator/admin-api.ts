// The emulator's control surface under `/_emulator/`, used by tests and by hand:
//   PUT|DELETE /_emulator/instance/attributes/K   PUT|DELETE /_emulator/project/attributes/K
//   PUT|DELETE /_emulator/tags/K                   PUT|DELETE /_emulator/user-data
//   POST /_emulator/faults {delayMs,status,count,reset,truncate,truncateChunked,unframed,truncateUnframed,
//                           ignoreWaitForChange,path}
//   DELETE /_emulator/faults
//   POST /_emulator/expire-tokens   PUT /_emulator/imdsv1 (body true|false)
//   GET /_emulator/requests (the metadata requests seen, with their headers)
import type { IncomingMessage } from "node:http";
import type { EmulatorState } from "./emulator-state.js";
import type { FaultSettings } from "./fault-plan.js";
import { textReply, type Reply } from "./send-reply.js";

export const ADMIN_PREFIX = "/_emulator/";
const MAX_ADMIN_BODY = 4 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_ADMIN_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseFaults(body: Buffer): FaultSettings | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const settings: FaultSettings = {};
  const path = (value as Record<string, unknown>).path;
  if (path !== undefined) {
    if (typeof path !== "string" || !path.startsWith("/")) return undefined;
    settings.path = path;
  }
  const ignore = (value as Record<string, unknown>).ignoreWaitForChange;
  if (ignore !== undefined) {
    if (typeof ignore !== "boolean") return undefined;
    settings.ignoreWaitForChange = ignore;
  }
  for (const name of ["delayMs", "status", "count", "reset", "truncate", "truncateChunked", "unframed", "truncateUnframed"] as const) {
    const field = (value as Record<string, unknown>)[name];
    if (field === undefined) continue;
    if (typeof field !== "number" || !Number.isInteger(field) || field < 0) return undefined;
    settings[name] = field;
  }
  return settings;
}

function editMap<V>(map: Map<string, V>, method: string | undefined, name: string, value: V): Reply {
  if (method === "PUT") map.set(name, value);
  else if (method === "DELETE") map.delete(name);
  else return textReply(405, "use PUT or DELETE\n");
  return textReply(204, "");
}

export async function answerAdmin(state: EmulatorState, req: IncomingMessage, url: URL): Promise<Reply> {
  const route = url.pathname.slice(ADMIN_PREFIX.length);
  const body = await readBody(req);
  if (body === undefined) return textReply(413, "admin body too large\n");
  const method = req.method;
  const named = (prefix: string): string | undefined =>
    route.startsWith(prefix) && route.length > prefix.length ? decodeURIComponent(route.slice(prefix.length)) : undefined;

  const instanceKey = named("instance/attributes/");
  const projectKey = named("project/attributes/");
  const tagKey = named("tags/");
  let reply: Reply;
  if (instanceKey !== undefined) reply = editMap(state.instanceAttributes, method, instanceKey, body);
  else if (projectKey !== undefined) reply = editMap(state.projectAttributes, method, projectKey, body);
  else if (tagKey !== undefined) reply = editMap(state.tags, method, tagKey, body.toString("utf8"));
  else if (route === "user-data" && (method === "PUT" || method === "DELETE")) {
    state.userData = method === "PUT" ? body : undefined;
    reply = textReply(204, "");
  } else if (route === "faults" && method === "POST") {
    const settings = parseFaults(body);
    if (settings === undefined) return textReply(400, "faults: a JSON object of non-negative integers (and path, a string starting with /)\n");
    state.faults.configure(settings);
    return textReply(204, "");
  } else if (route === "faults" && method === "DELETE") {
    state.faults.clear();
    return textReply(204, "");
  } else if (route === "expire-tokens" && method === "POST") {
    for (const token of state.tokens.keys()) state.tokens.set(token, 0);
    return textReply(204, "");
  } else if (route === "imdsv1" && method === "PUT") {
    state.imdsv1 = body.toString("utf8").trim() === "true";
    return textReply(204, "");
  } else if (route === "requests" && method === "GET") {
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(state.requests) };
  } else {
    return textReply(404, "unknown admin route\n");
  }
  state.notifier.notifyChange();
  return reply;
}
