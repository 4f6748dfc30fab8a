// Azure IMDS userData: 400 without `Metadata: true` or without `api-version`, the value
// base64-encoded as Azure returns it (`format=text`), or inside `/metadata/instance`.
import type { IncomingMessage } from "node:http";
import type { EmulatorState } from "./emulator-state.js";
import { textReply, type Reply } from "./send-reply.js";

function jsonReply(status: number, value: unknown): Reply {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(value) };
}

export function answerAzure(state: EmulatorState, req: IncomingMessage, url: URL): Reply {
  if (req.headers["metadata"] !== "true") {
    return jsonReply(400, { error: "Bad request. Required metadata header not specified" });
  }
  if (req.headers["x-forwarded-for"] !== undefined) {
    return jsonReply(400, { error: "Bad request. Request contains X-Forwarded-For header" });
  }
  if (!url.searchParams.get("api-version")) {
    return jsonReply(400, { error: "Bad request. api-version was not specified in the request" });
  }
  if (req.method !== "GET" && req.method !== "HEAD") return jsonReply(405, { error: "Method not allowed" });
  const userData = (state.userData ?? Buffer.alloc(0)).toString("base64");
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "/metadata/instance/compute/userData") {
    return url.searchParams.get("format") === "json" ? jsonReply(200, userData) : textReply(200, userData);
  }
  if (path === "/metadata/instance") {
    return jsonReply(200, { compute: { azEnvironment: "AzurePublicCloud", name: "rower-emulated", userData } });
  }
  return jsonReply(404, { error: "Not found" });
}
