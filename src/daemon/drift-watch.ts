// Notices when someone changes the manifest directory, so the loop can restore rower's files.
// Events (node's fs.watch: one inotify watch on the directory) give the sub-second repair; the
// periodic re-check catches what events miss (an overflowed inotify queue, a watcher that died
// with its directory). Not chokidar: it answers each event by listing and stat-ing the whole
// directory, so every temp file rower itself staged cost a directory scan in the middle of
// the apply (npm run bench: edit-to-file latency). A file name is all the caller needs.
import { watch, type FSWatcher } from "node:fs";
import { resolve } from "node:path";

/** The periodic re-check that catches what events miss (no debounce here: the caller coalesces events). */
export const DRIFT_RECHECK_MS = 30_000;

export interface DriftWatch {
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
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: true }, (_event, file) => {
      // kubelet skips dotfiles, and so do we: our temp files and lock live there.
      if (file === null) options.onDrift("event");
      else if (!file.startsWith(".")) options.onDrift("event", file);
    });
    watcher.on("error", (error: unknown) => options.onError(error instanceof Error ? error : new Error(String(error))));
  } catch (error) {
    // No directory to watch (yet): the re-check still runs.
    options.onError(error instanceof Error ? error : new Error(String(error)));
  }
  const timer = setInterval(() => options.onDrift("recheck"), options.recheckMs ?? DRIFT_RECHECK_MS);
  // inotify_add_watch has run when fs.watch returns: no change from here on goes unseen.
  return {
    close: async () => {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
