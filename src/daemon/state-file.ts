// The daemon's state file, `<state-dir>/state.json`: what `rower status` prints and the
// record of the files rower wrote (with digests) that ownership relies on after a restart.
// Written atomically (temp file, fsync, rename, directory fsync), so a reader never sees
// half of it.
import { readFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { OwnedFile, PlanCounts } from "../manifests/manifest-plan.js";
import { cleanStaleTempFiles, syncDirectory, writeFileAtomic } from "../manifests/atomic-write.js";
import { errnoCode, withIoContext } from "../manifests/manifest-io-error.js";

export const STATE_FILE = "state.json";
export const STATE_VERSION = 1;
// Owner-only: lastError keeps the payload's bad values (an env value may be a secret) for
// `rower status`, which runs as root like the daemon.
export const STATE_FILE_MODE = 0o600;

export type SyncResult = "applied" | "unchanged" | "invalid" | "error";

export interface ManagedFile extends OwnedFile {
  /** `namespace/name` of the pod the file holds, when known. */
  pod?: string;
}

export interface StateError {
  field: string;
  type: string;
  rule: string;
  value?: unknown;
  detail?: string;
  origin?: { source: string; document: number; line?: number; pod?: string };
}

export interface DaemonState {
  version: typeof STATE_VERSION;
  pid: number;
  /** The source's name, e.g. `gce:instance/attributes/kube-pods`. */
  source: string;
  revision?: string;
  /** The directory the `managed` record is about; a record for another directory is ignored. */
  manifestDir: string;
  lastSync?: { time: string; result: SyncResult; revision?: string; counts?: PlanCounts };
  lastError?: { time: string; message: string; errors?: StateError[] };
  managed: ManagedFile[];
  updatedAt: string;
}

export type ReadStateResult =
  | { kind: "state"; state: DaemonState }
  | { kind: "missing"; path: string }
  | { kind: "invalid"; path: string; message: string };

export async function writeState(stateDir: string, state: DaemonState): Promise<void> {
  await withIoContext("create directory", stateDir, () => mkdir(stateDir, { recursive: true, mode: 0o755 }));
  await cleanStaleTempFiles(stateDir); // left by a writer killed mid-write
  await writeFileAtomic(stateDir, STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: STATE_FILE_MODE });
  await syncDirectory(stateDir);
}

/** Missing and malformed state are answers (status exits 3 on them); other I/O failures throw. */
export async function readState(stateDir: string): Promise<ReadStateResult> {
  const path = join(stateDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "missing", path };
    return withIoContext("read state", path, () => Promise.reject(err));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return { kind: "invalid", path, message: `not JSON: ${err.message}` };
    throw err;
  }
  const problem = describeShapeProblem(value);
  if (problem) return { kind: "invalid", path, message: problem };
  return { kind: "state", state: value as DaemonState };
}

/** The owned-files record to plan with: only a state about this very directory counts. */
export function ownedFilesFor(state: DaemonState | undefined, manifestDir: string): OwnedFile[] | undefined {
  if (!state || state.manifestDir !== manifestDir) return undefined;
  return state.managed.map(({ file, sha256 }) => ({ file, sha256 }));
}

/** The fields status and planning read; a state written by a different version is refused. */
function describeShapeProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const v = value as Record<string, unknown>;
  if (v["version"] !== STATE_VERSION) return `unsupported version ${JSON.stringify(v["version"])} (expected ${STATE_VERSION})`;
  if (typeof v["pid"] !== "number") return "pid is not a number";
  if (typeof v["source"] !== "string") return "source is not a string";
  if (typeof v["manifestDir"] !== "string") return "manifestDir is not a string";
  if (typeof v["updatedAt"] !== "string") return "updatedAt is not a string";
  const managed = v["managed"];
  if (!Array.isArray(managed)) return "managed is not a list";
  for (const [i, m] of managed.entries()) {
    if (typeof m !== "object" || m === null) return `managed[${i}] is not an object`;
    const f = m as Record<string, unknown>;
    if (typeof f["file"] !== "string" || typeof f["sha256"] !== "string") return `managed[${i}] needs file and sha256 strings`;
  }
  return undefined;
}
