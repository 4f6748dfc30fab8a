// Writes one emulator answer, cutting the body short when told to (a truncation fault):
// Content-Length promises the whole body, so the client sees a broken transfer.
import type { ServerResponse } from "node:http";

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export function sendReply(res: ServerResponse, reply: Reply, options: { truncate?: boolean } = {}): void {
  const body = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.byteLength) });
  // A HEAD answer has no body to cut (Node drops it), so it is answered whole.
  if (options.truncate === true && body.byteLength > 1 && res.req.method !== "HEAD") {
    res.write(body.subarray(0, Math.floor(body.byteLength / 2)), () => res.destroy());
    return;
  }
  res.end(body);
}

export function textReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body };
}
