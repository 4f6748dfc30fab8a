// Writes one emulator answer, or a broken one when a fault says so. A client can tell a body
// is complete only by its framing: Content-Length matched, or the chunked terminator seen.
// The body faults break exactly that, on the wire as a server would:
//   length-cut   Content-Length promises the whole body; half is sent, then the socket closes
//   chunked-cut  chunked encoding; half the body in one chunk, then a close before the terminator
//   close        no Content-Length, not chunked: the whole body, delimited only by the close
//   close-cut    the same, with half the body: indistinguishable from `close` for the client
import { STATUS_CODES, type ServerResponse } from "node:http";

export type BodyFault = "length-cut" | "chunked-cut" | "close" | "close-cut";

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export function sendReply(res: ServerResponse, reply: Reply, options: { bodyFault?: BodyFault } = {}): void {
  const body = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
  // A HEAD answer has no body to break (Node drops it), so it is answered whole.
  if (options.bodyFault !== undefined && res.req.method !== "HEAD") {
    sendBrokenBody(res, reply, body, options.bodyFault);
    return;
  }
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.byteLength) });
  res.end(body);
}

/** Written to the socket by hand: Node's ServerResponse always frames what it sends. */
function sendBrokenBody(res: ServerResponse, reply: Reply, body: Buffer, fault: BodyFault): void {
  const sent = fault === "close" ? body : body.subarray(0, Math.floor(body.byteLength / 2));
  const head = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? "Unknown"}`];
  for (const [name, value] of Object.entries(reply.headers ?? {})) head.push(`${name}: ${value}`);
  if (fault === "length-cut") head.push(`content-length: ${body.byteLength}`);
  if (fault === "chunked-cut") head.push("transfer-encoding: chunked");
  head.push("connection: close", "", "");
  // An empty chunk would be the terminator itself: with nothing to send, send no chunk.
  const chunked = sent.byteLength === 0 ? sent : Buffer.concat([Buffer.from(`${sent.byteLength.toString(16)}\r\n`), sent, Buffer.from("\r\n")]);
  const payload = fault === "chunked-cut" ? chunked : sent;
  res.socket?.end(Buffer.concat([Buffer.from(head.join("\r\n"), "latin1"), payload]));
}

export function textReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body };
}
