// A real HTTP server on 127.0.0.1, port 0, answering with a test's handler.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Server } from "node:net";

/** Listens on 127.0.0.1, port 0, and gives the server's base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", () => ready()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface LoopbackServer {
  url: string;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

export async function startLoopbackServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  return {
    url: await listenOnLoopback(server),
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", () => ready()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
