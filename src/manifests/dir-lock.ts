// One rower per manifest directory. Node has no flock, so the lock is a unix socket
// listening at `<dir>/.rower.lock`: the kernel closes it when the holder dies, even by
// SIGKILL. A second rower that can connect is told the holder's PID and refuses; a socket
// file nobody listens on (ECONNREFUSED) is a dead holder's, so it is replaced.
// Known limit: two rowers replacing the same stale lock in the same instant could both
// succeed; the launch units never start two at once, and the window is one unlink+bind.
// A removed directory takes the socket file with it: the holder re-listens there before its
// next write (ensureHeld), so a rower started later is still refused.
import { createConnection, createServer, type Server } from "node:net";
import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { lstatOrUndefined } from "./atomic-write.js";
import { errnoCode, ManifestIoError, withIoContext } from "./manifest-io-error.js";

export const LOCK_FILE = ".rower.lock";
const HOLDER_ANSWER_TIMEOUT_MS = 5_000;
// sockaddr_un.sun_path is 108 bytes on Linux, one of them the terminating NUL.
const MAX_SOCKET_PATH_BYTES = 107;

export interface DirLock {
  readonly path: string;
  /**
   * Makes sure the socket at the path is still ours before a write: when it vanished (someone
   * removed the directory) it listens there again and answers "restored". Throws
   * DirLockHeldError when another rower took the path meanwhile; a later call tries again.
   */
  ensureHeld(): Promise<"held" | "restored">;
  release(): Promise<void>;
}

/** Another live process holds the lock. */
export class DirLockHeldError extends Error {
  override readonly name = "DirLockHeldError";
  readonly code = "ELOCKED";
  constructor(readonly path: string, readonly holderPid: number | undefined) {
    super(`${path} is held by another rower (pid ${holderPid ?? "unknown"}); one rower per manifest directory`);
  }
}

export async function acquireDirLock(dir: string, options: { pid?: number; answerTimeoutMs?: number } = {}): Promise<DirLock> {
  const pid = options.pid ?? process.pid;
  const answerTimeoutMs = options.answerTimeoutMs ?? HOLDER_ANSWER_TIMEOUT_MS;
  const path = join(dir, LOCK_FILE);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    // libuv would silently bind a truncated path, i.e. a lock somewhere else entirely.
    const cause = Object.assign(new Error(`unix socket paths are limited to ${MAX_SOCKET_PATH_BYTES} bytes`), { code: "ENAMETOOLONG" });
    throw new ManifestIoError("lock", path, cause);
  }
  let held: Listening | undefined = await takeLock(dir, path, pid, answerTimeoutMs);
  return {
    path,
    ensureHeld: async () => {
      const stats = await lstatOrUndefined(path);
      if (held && stats && stats.dev === held.dev && stats.ino === held.ino) return "held";
      if (stats) {
        // Not our socket file: a rower that found the path empty, or a leftover.
        const holder = await askHolder(path, answerTimeoutMs);
        if (holder.kind === "alive") {
          // Closing our orphaned listener would unlink the other rower's socket (libuv unlinks
          // the bound path on close), so it is left to the kernel; the loop writes nothing.
          held = undefined;
          throw new DirLockHeldError(path, holder.pid);
        }
      }
      if (held) {
        // Closing unlinks the path: nothing there now, or the stale leftover. Then bind anew.
        const orphan = held.server;
        held = undefined;
        await closeServer(orphan);
      }
      held = await takeLock(dir, path, pid, answerTimeoutMs);
      return "restored";
    },
    release: async () => {
      if (held) await closeServer(held.server);
      held = undefined;
    },
  };
}

/** A listening lock socket and the identity of its file, to notice when the file is replaced. */
interface Listening {
  server: Server;
  dev: number;
  ino: number;
}

/** Creates the directory if needed and listens at the lock path, replacing a stale socket. */
async function takeLock(dir: string, path: string, pid: number, answerTimeoutMs: number): Promise<Listening> {
  const created = await withIoContext("create directory", dir, () => mkdir(dir, { recursive: true, mode: 0o755 }));
  if (created !== undefined) await withIoContext("chmod", dir, () => chmod(dir, 0o755));
  // Two rounds: the second follows the removal of a stale socket.
  for (let round = 0; round < 2; round++) {
    const server = await listenAt(path, pid);
    if (server !== "in-use") {
      const stats = await withIoContext("lstat", path, () => lstat(path));
      return { server, dev: stats.dev, ino: stats.ino };
    }
    const holder = await askHolder(path, answerTimeoutMs);
    if (holder.kind === "alive") throw new DirLockHeldError(path, holder.pid);
    await withIoContext("remove stale lock", path, () => unlink(path).catch((err: unknown) => {
      if (errnoCode(err) !== "ENOENT") throw err; // someone else removed it first: fine
    }));
  }
  throw new DirLockHeldError(path, undefined);
}

/** Listens at the path, answering every connection with our PID; "in-use" if it exists. */
function listenAt(path: string, pid: number): Promise<Server | "in-use"> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on("error", () => socket.destroy()); // a peer that hangs up early is no concern of the holder
      socket.end(`${pid}\n`);
    });
    server.once("error", (err) => {
      if (errnoCode(err) === "EADDRINUSE") resolve("in-use");
      else reject(new ManifestIoError("listen on lock socket", path, err));
    });
    server.listen(path, () => {
      // The lock must not keep a finished process alive: the daemon's own work does that.
      server.unref();
      resolve(server);
    });
  });
}

type Holder = { kind: "alive"; pid: number | undefined } | { kind: "stale" };

/** Connects to the lock socket: a listener means a live holder, which answers its PID. */
function askHolder(path: string, answerTimeoutMs: number): Promise<Holder> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let answer = "";
    socket.setEncoding("utf8");
    // A holder stopped (SIGSTOP) or busy still accepted the connection: it is alive.
    socket.setTimeout(answerTimeoutMs, () => {
      socket.destroy();
      resolve({ kind: "alive", pid: undefined });
    });
    socket.on("data", (chunk: string) => { answer += chunk; });
    socket.on("end", () => {
      const pid = Number.parseInt(answer.trim(), 10);
      resolve({ kind: "alive", pid: Number.isInteger(pid) && pid > 0 ? pid : undefined });
    });
    socket.on("error", (err) => {
      const code = errnoCode(err);
      // ECONNREFUSED: a socket file with no listener, left by a dead holder. ENOENT: gone already.
      if (code === "ECONNREFUSED" || code === "ENOENT") resolve({ kind: "stale" });
      else if (answer !== "" || code === "ECONNRESET" || code === "EPIPE") resolve({ kind: "alive", pid: undefined });
      else reject(new ManifestIoError("connect to lock socket", path, err));
    });
  });
}

/** Closing the server also unlinks the socket file (libuv removes the path it bound). */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
