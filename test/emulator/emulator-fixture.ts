// A fresh emulator per test, serving a file in a temp dir; both removed afterwards.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../src/emulator/start-emulator.js";
import type { EmulatorKind } from "../../src/emulator/emulator-state.js";

export interface EmulatorFixture {
  emulator: RunningEmulator;
  dir: string;
  file: string;
  /** Calls the admin API; fails the test on a non-2xx answer. */
  admin(method: "PUT" | "POST" | "DELETE" | "GET", route: string, body?: string | Buffer): Promise<string>;
  /** Metadata requests the emulator saw. */
  requests(): Promise<Array<{ method: string; path: string; headers: Record<string, string> }>>;
  close(): Promise<void>;
}

export async function startEmulatorFixture(
  kind: EmulatorKind,
  content: string | Buffer | undefined,
  options: { key?: string; imdsv1?: boolean } = {},
): Promise<EmulatorFixture> {
  const dir = await mkdtemp(join(tmpdir(), "rower-emulator-"));
  const file = join(dir, "pods.yaml");
  if (content !== undefined) await writeFile(file, content);
  const emulator = await startEmulator(kind, { file, ...options });
  const admin = async (method: string, route: string, body?: string | Buffer): Promise<string> => {
    const response = await fetch(`${emulator.url}/_emulator/${route}`, body === undefined ? { method } : { method, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`admin ${method} ${route}: ${response.status} ${text}`);
    return text;
  };
  return {
    emulator,
    dir,
    file,
    admin,
    requests: async () => JSON.parse(await admin("GET", "requests")),
    close: async () => {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
