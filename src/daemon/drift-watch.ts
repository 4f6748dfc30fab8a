// Notices when someone changes the manifest directory, so the loop can restore rower's files.
// Events (chokidar, inotify on Linux) give the sub-second repair; the periodic re-check
// catches what events miss (an overflowed inotify queue, a watcher that died with its directory).
import { basename, resolve } from "node:path";
import { watch } from "chokidar";
import { watchOpOf } from "../fs-watch/watch-op.js";

/** The periodic re-check that catches what events miss (no debounce here: the caller coalesces events). */
export const DRIFT_RECHECK_MS = 30_000;

export interface DriftWatch {
  /** Resolves once the watcher sees the directory; changes before that may go unnoticed until the re-check. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface DriftWatchOptions {
  dir: string;
  /** Called for every non-dot change and on each periodic re-check; the caller coalesces. */
  onDrift: (cause: "event" | "recheck", file?: string) => void;
  onError: (error: Error) => void;
  recheckMs?: number;
}

export function startDriftWatch(options: DriftWatchOptions): DriftWatch {
  const dir = resolve(options.dir);
  const watcher = watch(dir, {
    ignoreInitial: true,
    depth: 0,
    // kubelet skips dotfiles, and so do we: our temp files and lock live there.
    ignored: (path: string) => path !== dir && basename(path).startsWith("."),
  });
  const ready = new Promise<void>((resolveReady) => watcher.once("ready", () => resolveReady()));
  watcher.on("all", (event, path) => {
    if (watchOpOf(event) !== undefined && path !== dir) options.onDrift("event", basename(path));
  });
  watcher.on("error", (error: unknown) => options.onError(error instanceof Error ? error : new Error(String(error))));
  const timer = setInterval(() => options.onDrift("recheck"), options.recheckMs ?? DRIFT_RECHECK_MS);
  return {
    ready,
    close: async () => {
      clearInterval(timer);
      await watcher.close();
    },
  };
}
