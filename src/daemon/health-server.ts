// `/healthz` (alive), `/readyz` (last sync good and source reachable) and `/metrics`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { ListenAddress } from "../config/listen-address.js";
import type { Readiness } from "./readiness.js";

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

export interface HealthServerOptions {
  address: ListenAddress;
  readiness: () => Readiness;
  registry: Registry;
}

export type HealthServerResult = { ok: true; server: HealthServer } | { ok: false; message: string };

// Probes and scrapes are a few short requests: cap what idle or slow clients can hold, so
// the server never takes the file descriptors the manifest directory and the source need
// (400 silent connections once made every sync fail with EMFILE).
const MAX_CONNECTIONS = 32;
/** A connection that sends nothing for this long is closed. */
const IDLE_TIMEOUT_MS = 5_000;
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServerResult> {
  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, (request, response) => {
    answer(request, response, options).catch((err: unknown) => {
      response.statusCode = 500;
      response.end(`${String(err)}\n`);
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.maxHeadersCount = 64;
  server.setTimeout(IDLE_TIMEOUT_MS, (socket) => socket.destroy());
  const listening = await new Promise<true | Error>((resolve) => {
    server.once("error", resolve);
    server.listen(options.address.port, options.address.host, () => resolve(true));
  });
  if (listening !== true) return { ok: false, message: `cannot listen on ${options.address.host}:${options.address.port}: ${listening.message}` };
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    ok: true,
    server: {
      url: `http://${host}:${port}`,
      close: () => new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    },
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = new URL(request.url ?? "/", "http://rower").pathname;
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  if (path === "/healthz") {
    response.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
  } else if (path === "/readyz") {
    const readiness = options.readiness();
    response.writeHead(readiness.ready ? 200 : 503, { "content-type": "application/json" })
      .end(`${JSON.stringify(readiness)}\n`);
  } else if (path === "/metrics") {
    const body = await options.registry.metrics();
    response.writeHead(200, { "content-type": options.registry.contentType }).end(body);
  } else {
    response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  }
}
