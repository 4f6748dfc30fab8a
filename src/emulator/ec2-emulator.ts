// EC2 IMDS as rower and the AWS SDK use it: IMDSv2 token PUT with a TTL of 1..21600 s,
// 401 for a GET without a token (unless v1 mode) or with an unknown or expired one,
// `/latest/user-data` (404 when unset or empty) and instance tags in metadata.
// Paths and headers are stated here, not imported from src/sources: the emulator is the
// sources' oracle, so a wrong fact in a source fails a test instead of agreeing with itself.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { EmulatorState } from "./emulator-state.js";
import { textReply, type Reply } from "./send-reply.js";

const TOKEN_PATH = "/latest/api/token";
const TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN_HEADER = "x-aws-ec2-metadata-token";
export const EMULATED_INSTANCE_ID = "i-0123456789abcdef0";

function issueToken(state: EmulatorState, req: IncomingMessage): Reply {
  // IMDSv2 refuses tokens to anything that looks like a proxy.
  if (req.headers["x-forwarded-for"] !== undefined) return textReply(403, "Forbidden\n");
  const ttl = Number(req.headers[TTL_HEADER]);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return textReply(400, "Bad Request\n");
  const token = randomBytes(24).toString("base64url");
  state.tokens.set(token, Date.now() + ttl * 1000);
  return textReply(200, token, { [TTL_HEADER]: String(ttl) });
}

function isAuthorized(state: EmulatorState, req: IncomingMessage): boolean {
  const token = req.headers[TOKEN_HEADER];
  if (typeof token !== "string") return state.imdsv1;
  const expiresAt = state.tokens.get(token);
  return expiresAt !== undefined && expiresAt > Date.now();
}

function metadataReply(state: EmulatorState, path: string): Reply {
  if (path === "/latest/user-data") {
    return state.userData === undefined || state.userData.byteLength === 0
      ? textReply(404, "Not Found\n")
      : { status: 200, headers: { "content-type": "application/octet-stream" }, body: state.userData };
  }
  const tags = [...state.tags.keys()].sort();
  const listings: Record<string, string[]> = {
    "/latest": ["dynamic", "meta-data", "user-data"],
    "/latest/meta-data": ["instance-id", "tags/"],
    "/latest/meta-data/tags": ["instance/"],
    "/latest/meta-data/tags/instance": tags,
  };
  const trimmed = path.replace(/\/+$/, "");
  const listing = listings[trimmed];
  if (listing !== undefined) return textReply(200, listing.join("\n"));
  if (trimmed === "/latest/meta-data/instance-id") return textReply(200, EMULATED_INSTANCE_ID);
  const tagPrefix = "/latest/meta-data/tags/instance/";
  if (trimmed.startsWith(tagPrefix)) {
    const value = state.tags.get(decodeURIComponent(trimmed.slice(tagPrefix.length)));
    if (value !== undefined) return textReply(200, value);
  }
  return textReply(404, "Not Found\n");
}

export function answerEc2(state: EmulatorState, req: IncomingMessage, url: URL): Reply {
  const path = url.pathname;
  if (path === TOKEN_PATH) {
    return req.method === "PUT" ? issueToken(state, req) : textReply(405, "Method Not Allowed\n");
  }
  if (req.method !== "GET" && req.method !== "HEAD") return textReply(405, "Method Not Allowed\n");
  if (!isAuthorized(state, req)) return textReply(401, "Unauthorized\n");
  return metadataReply(state, path);
}
