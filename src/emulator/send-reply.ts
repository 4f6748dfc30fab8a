// Writes one emulator answer, cutting the body short when a truncation fault is armed
// (Content-Length promises the whole body, so the client sees a broken transfer).
import type { ServerResponse } from "node:http";
import type { FaultPlan } from "./fault-plan.js";

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export function sendReply(res: ServerResponse, faults: FaultPlan, reply: Reply): void {
  const body = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.byteLength) });
  if (body.byteLength > 1 && faults.takeTruncation()) {
    res.write(body.subarray(0, Math.floor(body.byteLength / 2)), () => res.destroy());
    return;
  }
  res.end(body);
}

export function textReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body };
}
