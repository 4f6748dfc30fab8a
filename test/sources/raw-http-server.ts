// A loopback server that writes each answer's bytes by hand, for framings node:http never
// produces (a 200 delimited only by closing the connection).
import { createServer, type Server, type Socket } from "node:net";
import { listenOnLoopback } from "./loopback-server.js";

export interface RawHttpServer {
  url: string;
  /** Request heads received, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Answers every request with `answer(head)`, then closes the connection. */
export async function startRawHttpServer(answer: (head: string) => string | Buffer): Promise<RawHttpServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = received.slice(0, end);
      received = received.slice(end + 4);
      requests.push(head);
      socket.end(answer(head));
    });
  });
  return {
    url: await listenOnLoopback(server),
    requests,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
