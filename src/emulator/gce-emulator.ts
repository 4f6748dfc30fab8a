// The GCE metadata server, as far as rower and Google's clients use it: the
// `Metadata-Flavor: Google` request check (403 without it) and response header (on
// every answer, 404 included), ETags, `wait_for_change`/`last_etag`/`timeout_sec`,
// `alt=text|json`, `recursive=true` directories, instance and project attributes, and guest
// attributes (gce-guest-attributes.ts).
// Paths and headers are stated here, not imported from src/sources: the emulator is the
// sources' oracle, so a wrong fact in a source fails a test instead of agreeing with itself.
import { sha256Hex } from "../digest/sha256-hex.js";
import type { IncomingMessage } from "node:http";
import type { EmulatorState } from "./emulator-state.js";
import { answerGuestAttributes, GUEST_ATTRIBUTES_PATH } from "./gce-guest-attributes.js";
import { textReply, type Reply } from "./send-reply.js";

export const GCE_BASE_PATH = "/computeMetadata/v1";
const FLAVOR = { "metadata-flavor": "Google", server: "Metadata Server for VM" };
/** No documented maximum; Google's agent uses 60 s, so anything up to 5 min is plenty. */
const MAX_WAIT_SEC = 300;

type Tree = { [name: string]: Tree | string };

function buildTree(state: EmulatorState): Tree {
  const attributes = (map: Map<string, Buffer>): Tree =>
    Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.toString("utf8")]));
  return {
    instance: {
      attributes: attributes(state.instanceAttributes),
      hostname: "rower-emulated.c.rower-project.internal",
      id: "1234567890123456789",
      name: "rower-emulated",
      zone: "projects/123456789012/zones/europe-west1-b",
    },
    project: {
      attributes: attributes(state.projectAttributes),
      "numeric-project-id": "123456789012",
      "project-id": "rower-project",
    },
  };
}

function lookup(tree: Tree, segments: string[]): Tree | string | undefined {
  let node: Tree | string = tree;
  for (const segment of segments) {
    if (typeof node === "string") return undefined;
    const next: Tree | string | undefined = node[segment];
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

function listDirectory(node: Tree): string {
  return Object.entries(node)
    .map(([name, child]) => (typeof child === "string" ? name : `${name}/`))
    .map((line) => `${line}\n`)
    .join("");
}

function flattenText(node: Tree, prefix = ""): string {
  return Object.entries(node)
    .map(([name, child]) => (typeof child === "string" ? `${prefix}${name} ${child}\n` : flattenText(child, `${prefix}${name}/`)))
    .join("");
}

/** The body (and its content type) a GET would return now, or undefined for 404. */
function renderResource(state: EmulatorState, path: string, query: URLSearchParams): Reply | undefined {
  const segments = path.split("/").filter((s) => s !== "");
  const node = lookup(buildTree(state), segments);
  if (node === undefined) return undefined;
  const alt = query.get("alt");
  if (typeof node === "string") {
    return alt === "json"
      ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(node) }
      : textReply(200, node);
  }
  if (query.get("recursive") === "true") {
    return alt === "text"
      ? textReply(200, flattenText(node))
      : { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(node) };
  }
  return alt === "json"
    ? { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(Object.keys(node)) }
    : textReply(200, listDirectory(node));
}

function etagOf(reply: Reply): string {
  return sha256Hex(reply.body).slice(0, 16);
}

function withFlavor(reply: Reply): Reply {
  return { ...reply, headers: { ...reply.headers, ...FLAVOR } };
}

/** `ignoreWaitForChange`: a fault, answering a long poll at once as a server that ignores the parameter would. */
export async function answerGce(state: EmulatorState, req: IncomingMessage, url: URL, signal: AbortSignal, ignoreWaitForChange = false): Promise<Reply> {
  if (req.headers["metadata-flavor"] !== "Google") {
    return withFlavor({
      status: 403,
      headers: { "content-type": "text/html; charset=UTF-8" },
      body: "<html><body>Your client does not have permission to get URL from this server. Missing Metadata-Flavor:Google header.</body></html>\n",
    });
  }
  if (req.headers["x-forwarded-for"] !== undefined) {
    return withFlavor(textReply(403, "Forbidden: X-Forwarded-For is not allowed\n"));
  }
  if (!url.pathname.startsWith(`${GCE_BASE_PATH}/`) && url.pathname !== GCE_BASE_PATH) {
    return withFlavor(textReply(404, "Not Found\n"));
  }
  const path = url.pathname.slice(GCE_BASE_PATH.length);
  // The one place a VM writes (PUT, DELETE); its changes wake no attribute long poll that did not change.
  if (path === GUEST_ATTRIBUTES_PATH || path.startsWith(`${GUEST_ATTRIBUTES_PATH}/`)) {
    const reply = await answerGuestAttributes(state, req, path, url.searchParams);
    if (req.method === "PUT" || req.method === "DELETE") state.notifier.notifyChange();
    return withFlavor(reply);
  }
  // HEAD is answered like GET (Node sends no body for it).
  if (req.method !== "GET" && req.method !== "HEAD") return withFlavor(textReply(405, "Method not allowed\n"));
  const current = (): Reply | undefined => renderResource(state, path, url.searchParams);
  let reply = current();
  if (url.searchParams.get("wait_for_change") === "true" && !ignoreWaitForChange) {
    const timeoutSec = Number(url.searchParams.get("timeout_sec") ?? MAX_WAIT_SEC);
    if (!Number.isInteger(timeoutSec) || timeoutSec < 1) return withFlavor(textReply(400, "Invalid timeout_sec\n"));
    const lastEtag = url.searchParams.get("last_etag") ?? "NONE";
    const deadline = Date.now() + Math.min(timeoutSec, MAX_WAIT_SEC) * 1000;
    // Returns at once when the caller's ETag is already stale, else on a change or the timeout.
    while (reply !== undefined && etagOf(reply) === lastEtag && !signal.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await state.notifier.waitForChange(left, signal);
      reply = current();
    }
  }
  if (reply === undefined) return withFlavor(textReply(404, "Not Found\n"));
  return withFlavor({ ...reply, headers: { ...reply.headers, etag: etagOf(reply) } });
}
