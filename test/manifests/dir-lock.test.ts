import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { lstat, mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { acquireDirLock, DirLockHeldError, DirLockLostError, LOCK_FILE, type DirLock } from "../../src/manifests/dir-lock.js";
import { makeStaleLock } from "./stale-lock.js";

const HOLDER = new URL("./fixtures/hold-dir-lock.ts", import.meta.url).pathname;

let dir: string;
let holder: ChildProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rower-lock-"));
});
afterEach(async () => {
  if (holder && holder.exitCode === null && holder.signalCode === null) {
    holder.kill("SIGKILL");
    await once(holder, "exit");
  }
  holder = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Spawns a process holding the lock; resolves once it says it holds it. */
async function spawnHolder(lockDir = dir): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", HOLDER, lockDir], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([once(lines, "line"), once(child, "exit").then(() => ["exited"])])) as string[];
  expect(first).toBe("locked");
  return child;
}

describe("acquireDirLock", () => {
  it("a second taker is refused with the holder's PID; after SIGKILL the stale lock is taken over", async () => {
    holder = await spawnHolder();
    const refused = await acquireDirLock(dir).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DirLockHeldError);
    expect(refused).toMatchObject({ code: "ELOCKED", holderPid: holder.pid });
    expect(String((refused as Error).message)).toContain(`pid ${holder.pid}`);

    holder.kill("SIGKILL");
    await once(holder, "exit");
    // The dead holder's socket file is still there: only the listener is gone.
    expect((await lstat(join(dir, LOCK_FILE))).isSocket()).toBe(true);

    const lock = await acquireDirLock(dir);
    expect(lock.path).toBe(join(dir, LOCK_FILE));
    await lock.release();
    await expect(lstat(join(dir, LOCK_FILE))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a removed directory is re-created with the lock by ensureHeld; a taker in between makes it throw DirLockLostError", async () => {
    const lockDir = join(dir, "manifests");
    const lock = await acquireDirLock(lockDir, { pid: 4242 });
    expect(await lock.ensureHeld()).toEqual({ state: "held", target: expect.any(String) });
    await rm(lockDir, { recursive: true });
    expect(await lock.ensureHeld()).toEqual({ state: "restored", target: expect.any(String) });
    expect((await lstat(lock.path)).isSocket()).toBe(true);
    await expect(acquireDirLock(lockDir)).rejects.toMatchObject({ code: "ELOCKED", holderPid: 4242 });
    expect(await lock.ensureHeld()).toEqual({ state: "held", target: expect.any(String) });

    // Another process takes the path while it is gone: ours must not unlink its socket.
    await rm(lockDir, { recursive: true });
    holder = await spawnHolder(lockDir);
    const lost = await lock.ensureHeld().catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(DirLockLostError);
    expect(lost).toMatchObject({ code: "ELOCKLOST", holderPid: holder.pid });
    await expect(acquireDirLock(lockDir)).rejects.toMatchObject({ holderPid: holder.pid });
    holder.kill("SIGKILL");
    await once(holder, "exit");
    expect(await lock.ensureHeld()).toEqual({ state: "restored", target: expect.any(String) });
    await expect(acquireDirLock(lockDir)).rejects.toMatchObject({ holderPid: 4242 });
    await lock.release();
    await expect(lstat(lock.path)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("the same process taking it twice is refused too, and may take it again after release", async () => {
    const first = await acquireDirLock(dir, { pid: 4242 });
    await expect(acquireDirLock(dir)).rejects.toMatchObject({ holderPid: 4242 });
    await first.release();
    const again = await acquireDirLock(dir);
    await again.release();
  });

  it("a directory planted at the lock path is a clear error naming it, and stays", async () => {
    await mkdir(join(dir, LOCK_FILE));
    const err = await acquireDirLock(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ManifestIoError", code: "EISDIR", path: join(dir, LOCK_FILE) });
    expect(String((err as Error).message)).toContain("a directory is at the lock path");
    expect((await lstat(join(dir, LOCK_FILE))).isDirectory()).toBe(true);
    expect((await readdir(dir)).filter((n) => n.startsWith(`${LOCK_FILE}.`))).toEqual([]); // no temp socket left
  });

  it("a symlinked directory pointed elsewhere: the lock follows, and the old target's socket goes", async () => {
    const first = join(dir, "first");
    const second = join(dir, "second");
    await mkdir(first);
    await mkdir(second);
    const link = join(dir, "manifests");
    await symlink(first, link);
    const lock = await acquireDirLock(link, { pid: 4242 });
    expect((await lstat(join(first, LOCK_FILE))).isSocket()).toBe(true);

    await symlink(second, `${link}.next`);
    await rename(`${link}.next`, link);
    expect(await lock.ensureHeld()).toEqual({ state: "retargeted", from: first, target: second });
    expect((await lstat(join(second, LOCK_FILE))).isSocket()).toBe(true);
    await expect(lstat(join(first, LOCK_FILE))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(acquireDirLock(second)).rejects.toMatchObject({ code: "ELOCKED", holderPid: 4242 });
    await expect(acquireDirLock(first)).resolves.toBeDefined(); // free again: a rower may take it
    expect(await lock.ensureHeld()).toEqual({ state: "held", target: expect.any(String) });
    await lock.release();
  });

  it("several takers of one stale lock at once: exactly one wins, the others are refused naming it", async () => {
    await makeStaleLock(dir);
    const pids = [1001, 1002, 1003, 1004];
    const results = await Promise.allSettled(pids.map((pid) => acquireDirLock(dir, { pid })));
    const winners = pids.filter((_, i) => results[i]?.status === "fulfilled");
    expect(winners).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as { code?: string; holderPid?: number });
    expect(refused).toEqual(Array(3).fill(expect.objectContaining({ code: "ELOCKED", holderPid: winners[0] })));
    await (results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<DirLock>).value.release();
  });

  it("a leftover regular file at the lock path counts as stale", async () => {
    await writeFile(join(dir, LOCK_FILE), "junk");
    const lock = await acquireDirLock(dir);
    expect((await lstat(lock.path)).isSocket()).toBe(true);
    await lock.release();
  });

  it("creates the directory when it is missing", async () => {
    const lock = await acquireDirLock(join(dir, "new", "manifests"));
    expect((await lstat(join(dir, "new", "manifests"))).mode & 0o777).toBe(0o755);
    await lock.release();
  });

  it("a stopped holder (SIGSTOP) accepts but cannot answer: still refused, PID unknown", async () => {
    holder = await spawnHolder();
    holder.kill("SIGSTOP");
    const refused = await acquireDirLock(dir, { answerTimeoutMs: 200 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DirLockHeldError);
    expect(refused).toMatchObject({ holderPid: undefined });
  });

  it("a lock path longer than a unix socket allows is refused, not silently truncated", async () => {
    const deep = join(dir, "d".repeat(120 - dir.length));
    await expect(acquireDirLock(deep)).rejects.toMatchObject({ name: "ManifestIoError", code: "ENAMETOOLONG" });
  });
});
