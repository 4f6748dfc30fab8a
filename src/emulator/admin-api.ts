// The emulator's control surface under `/_emulator/`, used by tests and by hand:
//   PUT|DELETE /_emulator/instance/attributes/K   PUT|DELETE /_emulator/project/attributes/K
//   PUT|DELETE /_emulator/tags/K                   PUT|DELETE /_emulator/user-data
//   POST /_emulator/faults {delayMs,status,count,reset,truncate,truncateChunked,unframed,truncateUnframed,
//                           ignoreWaitForChange,path}
//   DELETE /_emulator/faults
//   POST /_emulator/expire-tokens   PUT /_emulator/imdsv1 (body true|false)
//   GET /_emulator/requests (the metadata requests seen, with their headers)
//   GET /_emulator/guest-attributes (what the VM wrote: namespace → key → value)
import type { IncomingMessage } from "node:http";
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { EC2_TAG_POINTER_FORM, EC2_TAG_VALUE_MAX_CHARS } from "../sources/ec2-tag-pointer.js";
import type { EmulatorState } from "./emulator-state.js";
import { asJson as guestAttributesAsJson } from "./gce-guest-attributes.js";
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

const count = z.int().check(z.nonnegative());

/** The faults body: every field optional, nothing else allowed. */
const faultsSchema = z.strictObject({
  delayMs: z.optional(count),
  status: z.optional(z.int().check(z.gte(100), z.lte(599))),
  count: z.optional(count),
  reset: z.optional(count),
  truncate: z.optional(count),
  truncateChunked: z.optional(count),
  unframed: z.optional(count),
  truncateUnframed: z.optional(count),
  ignoreWaitForChange: z.optional(z.boolean()),
  path: z.optional(z.string().check(z.startsWith("/"))),
});

/** As AWS refuses it: a tag value past 256 characters, which could only be the pods file itself. */
const tagValueSchema = z.string().check(
  z.refine((value) => [...value].length <= EC2_TAG_VALUE_MAX_CHARS, `a tag value is at most ${EC2_TAG_VALUE_MAX_CHARS} characters: a tag holds ${EC2_TAG_POINTER_FORM}; serve the file as user-data or at the URL`),
);

const imdsv1Schema = z.enum(["true", "false"]);

/** Parses `text` as JSON or not, per `json`, checks it against `schema`, and names every issue. */
function validate<T>(schema: z.ZodMiniType<T>, text: string, json: boolean): { ok: true; value: T } | { ok: false; reply: Reply } {
  let value: unknown = text;
  if (json) {
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      return { ok: false, reply: textReply(400, "body is not JSON\n") };
    }
  }
  const parsed = schema.safeParse(value, { error: en().localeError });
  if (parsed.success) return { ok: true, value: parsed.data };
  const lines = parsed.error.issues.map((issue) => `${issue.path.length === 0 ? "body" : issue.path.join(".")}: ${issue.message}`);
  return { ok: false, reply: textReply(400, `${lines.join("\n")}\n`) };
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
  else if (tagKey !== undefined) {
    // Only a PUT carries a value to check.
    const tag = method === "PUT" ? validate(tagValueSchema, body.toString("utf8"), false) : { ok: true as const, value: "" };
    if (!tag.ok) return tag.reply;
    reply = editMap(state.tags, method, tagKey, tag.value);
  }
  else if (route === "user-data" && (method === "PUT" || method === "DELETE")) {
    state.userData = method === "PUT" ? body : undefined;
    reply = textReply(204, "");
  } else if (route === "faults" && method === "POST") {
    const settings = validate(faultsSchema, body.toString("utf8"), true);
    if (!settings.ok) return settings.reply;
    state.faults.configure(settings.value);
    return textReply(204, "");
  } else if (route === "faults" && method === "DELETE") {
    state.faults.clear();
    return textReply(204, "");
  } else if (route === "expire-tokens" && method === "POST") {
    for (const token of state.tokens.keys()) state.tokens.set(token, 0);
    return textReply(204, "");
  } else if (route === "imdsv1" && method === "PUT") {
    const imdsv1 = validate(imdsv1Schema, body.toString("utf8").trim(), false);
    if (!imdsv1.ok) return imdsv1.reply;
    state.imdsv1 = imdsv1.value === "true";
    return textReply(204, "");
  } else if (route === "guest-attributes" && method === "GET") {
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(guestAttributesAsJson(state)) };
  } else if (route === "requests" && method === "GET") {
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(state.requests) };
  } else {
    return textReply(404, "unknown admin route\n");
  }
  state.notifier.notifyChange();
  return reply;
}
