// One rower per manifest directory. Node has no flock, so the lock is a unix socket
// listening at `<dir>/.rower.lock`: the kernel closes it when the holder dies, even by
// SIGKILL. A second rower that can connect is told the holder's PID and refuses; a socket
// file nobody listens on (ECONNREFUSED) is a dead holder's, and is replaced.
//
// Taking the lock, so that exactly one of several rowers started together wins:
// - the socket is bound and listening at a temp name (`.rower.lock.<random>`) before it
//   appears at the lock path, so a socket found there that refuses connections is dead, never
//   one about to listen; and closing ours later unlinks only that temp name, never the lock;
// - into an empty path it is hard-linked: link() never replaces, so one rower wins;
// - over a stale socket it is renamed, and only by the rower holding the takeover arbiter: a
//   Linux abstract-namespace socket named after the directory's device and inode, which the
//   kernel releases when its holder dies, so it cannot go stale. A rower that finds the
//   arbiter taken refuses at once. The arbiter's holder re-checks that the path still holds the
//   stale socket it saw before replacing it.
// Limits: the arbiter is per network namespace (rowers in separate namespaces sharing one
// directory are still refused by the lock itself, but two of them replacing the same stale
// socket in the same instant could both win), and any process in the namespace could squat
// its name: rower would then refuse to take over a stale lock, naming that process's PID.
//
// A removed directory takes the socket with it, and a symlinked directory can be pointed
// elsewhere: before each write the holder checks (ensureHeld) and takes the lock again where
// the path now leads, or learns that another rower holds it there (DirLockLostError).
import { randomBytes } from "node:crypto";
import { createConnection, createServer, type Server } from "node:net";
import { chmod, link, lstat, mkdir, readdir, realpath, rename, stat } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { join } from "node:path";
import { lstatIfPresent, unlinkIfPresent } from "./if-present.js";
import { errnoCode, ManifestIoError, withIoContext } from "./manifest-io-error.js";

export const LOCK_FILE = ".rower.lock";
const TEMP_SOCKET_PREFIX = `${LOCK_FILE}.`;
const HOLDER_ANSWER_TIMEOUT_MS = 5_000;
// sockaddr_un.sun_path is 108 bytes on Linux, one of them the terminating NUL.
const MAX_SOCKET_PATH_BYTES = 107;
// Rounds of taking the lock: a path that changes under us is looked at again, a few times.
const TAKE_ROUNDS = 3;

/**
 * What ensureHeld found: still ours; its socket file gone and made again in the same directory
 * (relocked); the directory removed and re-created (restored); or the lock taken where a
 * symlinked path now points (retargeted). `target` is the real directory the lock is in: write
 * there, not through the configured path, which may be re-pointed at any moment.
 */
export type HoldCheck =
  | { state: "held" | "relocked" | "restored"; target: string }
  | { state: "retargeted"; from: string; target: string };

export interface DirLock {
  readonly path: string;
  /** The first directory taking the lock at start had to create (the manifest directory or a parent). */
  readonly created: string | undefined;
  /**
   * Makes sure the lock is still ours before a write. When the directory was removed (and its
   * socket with it) or the path now leads to another directory, takes the lock there. Throws
   * DirLockLostError when another rower holds it there: this daemon must stop.
   */
  ensureHeld(): Promise<HoldCheck>;
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

/** The lock this process held is now another rower's: nothing may be written, the daemon must exit. */
export class DirLockLostError extends Error {
  override readonly name = "DirLockLostError";
  readonly code = "ELOCKLOST";
  constructor(readonly path: string, readonly holderPid: number | undefined) {
    super(`${path} is now held by another rower (pid ${holderPid ?? "unknown"}): this rower no longer holds the manifest directory`);
  }
}

export async function acquireDirLock(dir: string, options: { pid?: number; answerTimeoutMs?: number } = {}): Promise<DirLock> {
  const pid = options.pid ?? process.pid;
  const answerTimeoutMs = options.answerTimeoutMs ?? HOLDER_ANSWER_TIMEOUT_MS;
  const path = join(dir, LOCK_FILE);
  const take = (): Promise<Held> => takeLock(dir, path, pid, answerTimeoutMs);
  let held: Held | undefined = await take();
  return {
    path,
    created: held.created,
    ensureHeld: async () => {
      const now = await directoryOrUndefined(dir);
      if (held && now && sameDirectory(now, held.directory) && (await holdsPath(held))) return { state: "held", target: held.directory.target };
      const previous = held;
      let next: Held;
      try {
        next = await take();
      } catch (err) {
        if (!(err instanceof DirLockHeldError)) throw err;
        held = undefined;
        if (previous) await closeServer(previous.server); // bound at a temp name: closing cannot touch the holder's socket
        throw new DirLockLostError(path, err.holderPid);
      }
      held = next;
      if (previous) await retire(previous);
      const target = next.directory.target;
      if (previous && previous.directory.target !== target) return { state: "retargeted", from: previous.directory.target, target };
      if (previous && sameDirectory(previous.directory, next.directory)) return { state: "relocked", target };
      return { state: "restored", target };
    },
    release: async () => {
      const last = held;
      held = undefined;
      if (last) await retire(last);
    },
  };
}

/** A directory as the kernel knows it (symlinks followed), and where it really is. */
interface Directory {
  dev: bigint;
  ino: bigint;
  /** Tells a re-created directory from the old one when the inode number is reused (0 where unknown). */
  birthtimeNs: bigint;
  target: string;
}

/** Our listening socket, where it was installed, and the identity of its file. */
interface Held {
  server: Server;
  directory: Directory;
  lockPath: string;
  dev: bigint;
  ino: bigint;
  created: string | undefined;
}

async function takeLock(dir: string, displayPath: string, pid: number, answerTimeoutMs: number): Promise<Held> {
  const created = await withIoContext("create directory", dir, () => mkdir(dir, { recursive: true, mode: 0o755 }));
  if (created !== undefined) await withIoContext("chmod", dir, () => chmod(dir, 0o755));
  const directory = await identify(dir);
  const lockPath = join(directory.target, LOCK_FILE);
  for (let round = 0; round < TAKE_ROUNDS; round++) {
    const temp = await listenAtTempName(directory.target, displayPath, pid);
    try {
      const installed = await install(temp.path, lockPath, directory, displayPath, pid, answerTimeoutMs);
      if (installed) {
        await removeStaleTempSockets(directory.target, answerTimeoutMs);
        return { server: temp.server, directory, lockPath, dev: temp.dev, ino: temp.ino, created };
      }
    } catch (err) {
      await closeServer(temp.server);
      throw err;
    }
    // Our temp name vanished under us (a holder cleaning up after dead rowers): once more.
    await closeServer(temp.server);
  }
  throw new DirLockHeldError(displayPath, undefined);
}

/**
 * Puts our listening socket at the lock path: linked into an empty path, or renamed over a
 * stale socket under the takeover arbiter. False when our temp name vanished meanwhile.
 */
async function install(
  tempPath: string, lockPath: string, directory: Directory, displayPath: string, pid: number, answerTimeoutMs: number,
): Promise<boolean> {
  for (let round = 0; round < TAKE_ROUNDS; round++) {
    const linked = await attempt("link lock socket", displayPath, () => link(tempPath, lockPath));
    if (linked === "ENOENT") return false;
    if (linked === "done") {
      await unlinkIfPresent(tempPath);
      return true;
    }
    const existing = await lstatIfPresent(lockPath);
    if (!existing) continue; // removed meanwhile: link again
    refuseIfNotALock(existing, displayPath);
    const holder = await askHolder(lockPath, answerTimeoutMs);
    if (holder.kind === "alive") throw new DirLockHeldError(displayPath, holder.pid);
    const arbiter = await holdArbiter(directory, displayPath, pid, answerTimeoutMs);
    if (arbiter === "finished") continue; // another rower's takeover ended just now: see who holds it
    try {
      const still = await lstatIfPresent(lockPath);
      if (!still || still.dev !== existing.dev || still.ino !== existing.ino) continue; // changed meanwhile: look again
      const renamed = await attempt("replace stale lock", displayPath, () => rename(tempPath, lockPath));
      if (renamed === "ENOENT") return false;
      return true;
    } finally {
      if (arbiter) await closeServer(arbiter);
    }
  }
  throw new DirLockHeldError(displayPath, undefined);
}

/** Runs a link or rename: "done", or the one errno the caller handles, or a thrown ManifestIoError. */
async function attempt(operation: string, displayPath: string, run: () => Promise<void>): Promise<"done" | "EEXIST" | "ENOENT"> {
  try {
    await run();
    return "done";
  } catch (err) {
    const code = errnoCode(err);
    if (code === "EEXIST" || code === "ENOENT") return code;
    throw new ManifestIoError(operation, displayPath, err);
  }
}

/** A directory, a symlink, a fifo at the lock path was put there by someone: rower does not remove it. */
function refuseIfNotALock(stats: BigIntStats, displayPath: string): void {
  // A regular file is a leftover (rower never writes one there): stale, like a dead socket.
  if (stats.isSocket() || stats.isFile()) return;
  const what = stats.isDirectory() ? "a directory" : stats.isSymbolicLink() ? "a symlink" : "not a socket";
  const cause = Object.assign(new Error(`${what} is at the lock path, where rower keeps its lock socket; rower will not remove it`), {
    code: stats.isDirectory() ? "EISDIR" : "EEXIST",
  });
  throw new ManifestIoError("lock", displayPath, cause);
}

/**
 * The takeover arbiter (Linux): an abstract-namespace socket named after the directory. Only
 * its holder may replace a stale lock; a rower that finds it taken refuses at once, naming
 * that rower, or "finished" when that takeover ended before it could ask.
 */
async function holdArbiter(directory: Directory, displayPath: string, pid: number, answerTimeoutMs: number): Promise<Server | "finished" | undefined> {
  if (process.platform !== "linux") return undefined; // no abstract namespace: the takeover is unguarded there
  const name = `\0rower.lock:${directory.dev}:${directory.ino}`;
  const server = await listenAt(name, pid, displayPath);
  if (server !== "in-use") return server;
  const holder = await askHolder(name, answerTimeoutMs);
  if (holder.kind === "alive" && holder.pid !== undefined) throw new DirLockHeldError(displayPath, holder.pid);
  // Gone, or it closed before answering (a reset): that takeover is over.
  return "finished";
}

/** Binds and listens at a fresh `.rower.lock.<random>` in the directory. */
async function listenAtTempName(target: string, displayPath: string, pid: number): Promise<{ server: Server; path: string; dev: bigint; ino: bigint }> {
  for (;;) {
    const path = join(target, `${TEMP_SOCKET_PREFIX}${randomBytes(4).toString("hex")}`);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
      // libuv would silently bind a truncated path, i.e. a lock somewhere else entirely.
      const cause = Object.assign(new Error(`unix socket paths are limited to ${MAX_SOCKET_PATH_BYTES} bytes, and ${path} is longer`), { code: "ENAMETOOLONG" });
      throw new ManifestIoError("lock", displayPath, cause);
    }
    const server = await listenAt(path, pid, displayPath);
    if (server === "in-use") continue; // that random name is taken: another
    const stats = await withIoContext("lstat", path, () => lstat(path, { bigint: true }));
    return { server, path, dev: stats.dev, ino: stats.ino };
  }
}

/** Listens at a path (or abstract name), answering every connection with our PID; "in-use" if taken. */
function listenAt(path: string, pid: number, displayPath: string): Promise<Server | "in-use"> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on("error", () => socket.destroy()); // a peer that hangs up early is no concern of the holder
      socket.end(`${pid}\n`);
    });
    server.once("error", (err) => {
      if (errnoCode(err) === "EADDRINUSE") resolve("in-use");
      else reject(new ManifestIoError("listen on lock socket", displayPath, err));
    });
    server.listen(path, () => {
      // The lock must not keep a finished process alive: the daemon's own work does that.
      server.unref();
      resolve(server);
    });
  });
}

type Holder = { kind: "alive"; pid: number | undefined } | { kind: "stale" };

/** Connects to a lock socket: a listener means a live holder, which answers its PID. */
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

/** Temp sockets of rowers killed while taking the lock; live ones (still taking it) stay. */
async function removeStaleTempSockets(target: string, answerTimeoutMs: number): Promise<void> {
  const names = await withIoContext("read directory", target, () => readdir(target));
  for (const name of names) {
    if (!name.startsWith(TEMP_SOCKET_PREFIX)) continue;
    const path = join(target, name);
    const stats = await lstatIfPresent(path);
    if (!stats?.isSocket()) continue;
    if ((await askHolder(path, answerTimeoutMs)).kind === "stale") await unlinkIfPresent(path);
  }
}

/** Does the lock path still hold our socket? */
async function holdsPath(held: Held): Promise<boolean> {
  const stats = await lstatIfPresent(held.lockPath);
  return stats !== undefined && stats.dev === held.dev && stats.ino === held.ino;
}

/** Gives up a hold: its socket file goes if it is still ours, then the listener closes. */
async function retire(held: Held): Promise<void> {
  if (await holdsPath(held)) await unlinkIfPresent(held.lockPath);
  await closeServer(held.server);
}

async function identify(dir: string): Promise<Directory> {
  const stats = await withIoContext("stat", dir, () => stat(dir, { bigint: true }));
  const target = await withIoContext("resolve", dir, () => realpath(dir));
  return { dev: stats.dev, ino: stats.ino, birthtimeNs: stats.birthtimeNs, target };
}

async function directoryOrUndefined(dir: string): Promise<Directory | undefined> {
  try {
    return await identify(dir);
  } catch (err) {
    if (err instanceof ManifestIoError && err.code === "ENOENT") return undefined;
    throw err;
  }
}

function sameDirectory(a: Directory, b: Directory): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.birthtimeNs === b.birthtimeNs && a.target === b.target;
}



/** Closing the server also unlinks the path it was bound at (libuv does): here, only a temp name. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
