// Starts a GCE, EC2 or Azure metadata emulator on loopback, serving a file's bytes as the
// key's value and reloading them when the file changes (which wakes GCE long polls).
import { DEFAULT_METADATA_KEY } from "../contract/defaults.js";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { ADMIN_PREFIX, answerAdmin } from "./admin-api.js";
import { answerAzure } from "./azure-emulator.js";
import { answerEc2 } from "./ec2-emulator.js";
import { EmulatorState, type EmulatorKind } from "./emulator-state.js";
import type { RequestFaults } from "./fault-plan.js";
import { answerGce } from "./gce-emulator.js";
import { readServedFile, watchServedFile } from "./served-file-watcher.js";
import { sendReply, textReply, type Reply } from "./send-reply.js";

export interface EmulatorOptions {
  file: string;
  key?: string;
  host?: string;
  port?: number;
  /** EC2: accept requests without a token. */
  imdsv1?: boolean;
}

export interface RunningEmulator {
  url: string;
  /** The variable a client needs, e.g. `{ GCE_METADATA_HOST: "127.0.0.1:PORT" }`. */
  env: Record<string, string>;
  /** The served state, for in-process callers (tests drive the admin API instead). */
  state: EmulatorState;
  close(): Promise<void>;
}

/** The variable naming the emulated Azure endpoint (Azure has no standard one). */
export const AZURE_ENDPOINT_VARIABLE = "ROWER_AZURE_METADATA_ENDPOINT";

function clientEnv(kind: EmulatorKind, hostPort: string, url: string): Record<string, string> {
  if (kind === "gce") return { GCE_METADATA_HOST: hostPort };
  if (kind === "ec2") return { AWS_EC2_METADATA_SERVICE_ENDPOINT: url };
  return { [AZURE_ENDPOINT_VARIABLE]: url };
}

export async function startEmulator(kind: EmulatorKind, options: EmulatorOptions): Promise<RunningEmulator> {
  const file = resolve(options.file);
  const state = new EmulatorState(kind, options.key ?? DEFAULT_METADATA_KEY);
  state.imdsv1 = options.imdsv1 ?? false;
  const served = await readServedFile(file);
  state.setServedValue(served);
  const closing = new AbortController();

  const answer = async (req: IncomingMessage, url: URL, signal: AbortSignal, faults: RequestFaults): Promise<Reply> => {
    if (kind === "gce") return answerGce(state, req, url, signal, faults.ignoreWaitForChange);
    if (kind === "ec2") return answerEc2(state, req, url);
    return answerAzure(state, req, url);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // "//latest/..." (the AWS SDK joins "/" and "/latest") must stay a path, not a host.
    const url = new URL((req.url ?? "/").replace(/^\/+/, "/"), "http://emulator");
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      // Faults are for metadata requests: the admin API must stay usable to clear them.
      sendReply(res, await answerAdmin(state, req, url));
      return;
    }
    state.recordRequest({ method: req.method ?? "GET", path: `${url.pathname}${url.search}`, headers: { ...req.headers } });
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const signal = AbortSignal.any([closing.signal, gone.signal]);
    const faults = state.faults.takeRequestFaults(url.pathname);
    if (faults.delayMs > 0) {
      try {
        await delay(faults.delayMs, undefined, { signal });
      } catch (err) {
        // The client left or the emulator is closing: nobody to answer.
        if (signal.aborted) return;
        throw err;
      }
    }
    if (faults.action.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (faults.action.kind === "status") {
      const status = faults.action.status;
      const flavor: Record<string, string> = kind === "gce" ? { "metadata-flavor": "Google" } : {};
      sendReply(res, textReply(status, `injected ${status}\n`, flavor));
      return;
    }
    const reply = await answer(req, url, signal, faults);
    if (!res.destroyed) sendReply(res, reply, faults.action.kind === "body" ? { bodyFault: faults.action.fault } : {});
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the emulator: answer 500 with the reason rather than leave the client hanging.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`emulator error: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", rejectListen);
      resolveListen();
    });
  });

  const fileWatcher = await watchServedFile(file, served, {
    publish(bytes) {
      state.fileError = undefined;
      state.setServedValue(bytes);
    },
    fail(reason) {
      // An unreadable file keeps the last value; the CLI reports the reason.
      state.fileError = reason;
    },
  });

  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const hostPort = `${host}:${address.port}`;
  const url = `http://${hostPort}`;
  return {
    url,
    env: clientEnv(kind, hostPort, url),
    state,
    async close() {
      closing.abort();
      await fileWatcher.close();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}
