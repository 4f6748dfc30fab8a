// Follows the emulator's served file and reports its bytes only once they have settled.
// An editor (or `cat good.yaml > pods.yaml`) truncates the file and then writes it: a read
// in between sees an empty or half-written file, and serving that would make a daemon
// delete every pod. So a value is published only when two reads SETTLE_MS apart agree, and
// an empty or missing file (rarely meant, always seen mid-save) must hold for EMPTY_HOLD_MS.
import { watch } from "chokidar";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** Two reads this far apart must agree before a value is published. */
const SETTLE_MS = 20;
/** An empty or missing file must stay so this long: saves pass through it briefly. */
const EMPTY_HOLD_MS = 500;
/** A file rewritten without pause is still published after this many reads (~1 s). */
const MAX_SETTLE_READS = 50;
/** chokidar drops a file's "change" events for 50 ms after one: settle once more after that. */
const TRAILING_PASS_MS = 75;

export interface ServedFileHandlers {
  /** The file's settled bytes (undefined: the file is gone), when they differ from the last. */
  publish(bytes: Buffer | undefined): void;
  /** The file could not be read; the last published value stays. */
  fail(reason: string): void;
}

export interface ServedFileWatcher {
  close(): Promise<void>;
}

export async function readServedFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b);
}

function isEmpty(bytes: Buffer | undefined): boolean {
  return bytes === undefined || bytes.byteLength === 0;
}

/** Watches `file` (whose current bytes are `served`) and publishes each settled change. */
export async function watchServedFile(
  file: string,
  served: Buffer | undefined,
  handlers: ServedFileHandlers,
): Promise<ServedFileWatcher> {
  const closing = new AbortController();
  let published = served;

  /** Reads until two reads agree; undefined result means closing interrupted it. */
  const readSettled = async (): Promise<{ bytes: Buffer | undefined } | undefined> => {
    let previous = await readServedFile(file);
    for (let reads = 1; reads < MAX_SETTLE_READS; reads += 1) {
      const hold = isEmpty(previous) && !isEmpty(published) ? EMPTY_HOLD_MS : SETTLE_MS;
      try {
        await delay(hold, undefined, { signal: closing.signal });
      } catch (err) {
        if (closing.signal.aborted) return undefined;
        throw err;
      }
      const next = await readServedFile(file);
      if (sameBytes(previous, next)) break;
      previous = next;
    }
    return { bytes: previous };
  };

  // One settle pass at a time; a change seen during a pass asks for one more pass.
  let running: Promise<void> | undefined;
  let changedAgain = false;
  const settle = async (): Promise<void> => {
    do {
      changedAgain = false;
      try {
        const result = await readSettled();
        if (result === undefined) return;
        if (!sameBytes(result.bytes, published)) {
          published = result.bytes;
          handlers.publish(result.bytes);
        }
      } catch (err) {
        handlers.fail(err instanceof Error ? err.message : String(err));
      }
    } while (changedAgain && !closing.signal.aborted);
  };
  const startPass = (): void => {
    if (running !== undefined) {
      changedAgain = true;
      return;
    }
    running = settle().finally(() => {
      running = undefined;
    });
  };

  let trailingPass: NodeJS.Timeout | undefined;
  const onChange = (): void => {
    startPass();
    clearTimeout(trailingPass);
    trailingPass = setTimeout(startPass, TRAILING_PASS_MS);
  };

  // Watch the directory, not the file: editors save by writing a new file and renaming it.
  const watcher = watch(dirname(file), { ignoreInitial: true, depth: 0 });
  watcher.on("all", (_event, path) => {
    if (basename(path) === basename(file)) onChange();
  });
  await new Promise<void>((ready) => watcher.once("ready", () => ready()));
  return {
    async close() {
      closing.abort();
      clearTimeout(trailingPass);
      await watcher.close();
      await running;
    },
  };
}
