// A stale directory lock, as a SIGKILLed rower leaves it: a socket file nobody listens on.
import { link } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { LOCK_FILE } from "../../src/manifests/dir-lock.js";

export async function makeStaleLock(lockDir: string): Promise<void> {
  const temp = join(lockDir, ".stale-socket");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(temp, resolve));
  await link(temp, join(lockDir, LOCK_FILE));
  // Closing unlinks the name it was bound at; the lock path keeps the dead socket.
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
