import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { lstat, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { acquireDirLock, DirLockHeldError, LOCK_FILE } from "../../src/manifests/dir-lock.js";

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

  it("a removed directory is re-created with the lock by ensureHeld; a taker in between makes it throw", async () => {
    const lockDir = join(dir, "manifests");
    const lock = await acquireDirLock(lockDir, { pid: 4242 });
    expect(await lock.ensureHeld()).toBe("held");
    await rm(lockDir, { recursive: true });
    expect(await lock.ensureHeld()).toBe("restored");
    expect((await lstat(lock.path)).isSocket()).toBe(true);
    await expect(acquireDirLock(lockDir)).rejects.toMatchObject({ code: "ELOCKED", holderPid: 4242 });
    expect(await lock.ensureHeld()).toBe("held");

    // Another process takes the path while it is gone: ours must not unlink its socket.
    await rm(lockDir, { recursive: true });
    holder = await spawnHolder(lockDir);
    await expect(lock.ensureHeld()).rejects.toMatchObject({ code: "ELOCKED", holderPid: holder.pid });
    await expect(acquireDirLock(lockDir)).rejects.toMatchObject({ holderPid: holder.pid });
    holder.kill("SIGKILL");
    await once(holder, "exit");
    expect(await lock.ensureHeld()).toBe("restored");
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
