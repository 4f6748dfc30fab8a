// file:PATH — a file, or a directory whose non-dot files are read in name order and their
// documents concatenated (like the kubelet's file source, which skips dotfiles), each file
// starting a new document without its BOM; editors' backup and swap files are skipped. Watched
// with chokidar on the containing directory, so an editor's rename-and-replace save (a new
// inode) is seen; events are debounced and only a new revision is yielded.
import { watch } from "chokidar";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { absentPayload, describePayload, presentPayload } from "./revision.js";
import type { Payload, Source, SourceContact, SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import { DEFAULT_MAX_BYTES, STALE_SLACK_MS, silentLog, type SourceOptions } from "./source-options.js";

const DEFAULT_DEBOUNCE_MS = 100;
/** Looked at again without an event this often (the kubelet re-lists its static-pod directory every 20 s): events can be lost. */
const RECHECK_MS = 20_000;
/** chokidar drops a file's "change" events for 50 ms after one; re-read once after that window. */
export const CHOKIDAR_CHANGE_THROTTLE_MS = 50;
const SETTLE_READ_MS = CHOKIDAR_CHANGE_THROTTLE_MS + 25;
const DOCUMENT_SEPARATOR = Buffer.from("---\n");
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Editors' and patch tools' leftovers (vim, emacs, merges): never pods, often duplicates. */
const LEFTOVER_NAMES = [/~$/, /^#.*#$/, /\.(swp|swo|bak|orig|rej|tmp)$/i];

export function isEditorLeftover(name: string): boolean {
  return LEFTOVER_NAMES.some((pattern) => pattern.test(name));
}

/** A BOM is only allowed at the start of a stream: inside the joined set it would become part of a key. */
function stripBom(bytes: Buffer): Buffer {
  return bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Joins files as one multi-document YAML stream, each starting on its own line. */
function concatenateDocuments(parts: Buffer[]): Buffer {
  const pieces: Buffer[] = [];
  parts.forEach((part, index) => {
    if (index > 0 && !/^---(\s|$)/.test(part.subarray(0, 8).toString("utf8"))) pieces.push(DOCUMENT_SEPARATOR);
    pieces.push(part);
    if (part.byteLength > 0 && part[part.byteLength - 1] !== 0x0a) pieces.push(Buffer.from("\n"));
  });
  return Buffer.concat(pieces);
}

export class FileSource implements Source {
  readonly kind = "file";
  readonly name: string;
  /** The periodic re-check yields at least a contact. */
  readonly staleAfterMs: number;
  private readonly path: string;
  private readonly maxBytes: number;
  private lastSkipped = "";

  constructor(
    path: string,
    private readonly options: SourceOptions,
  ) {
    this.path = resolve(path);
    this.name = `file:${path}`;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.staleAfterMs = RECHECK_MS + (options.debounceMs ?? DEFAULT_DEBOUNCE_MS) + STALE_SLACK_MS;
  }

  /** Logs the leftovers skipped, once per change of that list (a watch re-reads often). */
  private reportSkipped(skipped: string[]): void {
    const key = skipped.join("\n");
    if (key === this.lastSkipped) return;
    this.lastSkipped = key;
    if (skipped.length > 0) (this.options.log ?? silentLog).info("source.files_skipped", { source: this.name, files: skipped, reason: "editor backup or temporary file" });
  }

  private tooLarge(): SourceError {
    return sourceError(this.name, "too-large", `larger than ${this.maxBytes} bytes`);
  }

  private async readDirectory(): Promise<Payload | SourceError> {
    const visible = (await readdir(this.path)).filter((name) => !name.startsWith(".")).sort();
    const names = visible.filter((name) => !isEditorLeftover(name));
    this.reportSkipped(visible.filter(isEditorLeftover));
    const parts: Buffer[] = [];
    let total = 0;
    for (const name of names) {
      const path = join(this.path, name);
      const info = await stat(path);
      if (!info.isFile()) continue;
      total += info.size;
      if (total > this.maxBytes) return this.tooLarge();
      parts.push(stripBom(await readFile(path)));
    }
    const bytes = concatenateDocuments(parts);
    return bytes.byteLength > this.maxBytes ? this.tooLarge() : presentPayload(this.name, new Uint8Array(bytes));
  }

  private async readCurrent(): Promise<Payload | SourceError> {
    try {
      const info = await stat(this.path);
      if (info.isDirectory()) return await this.readDirectory();
      if (info.size > this.maxBytes) return this.tooLarge();
      const bytes = await readFile(this.path);
      return bytes.byteLength > this.maxBytes ? this.tooLarge() : presentPayload(this.name, new Uint8Array(bytes));
    } catch (err) {
      // A missing path is an absent key; a file replaced mid-read is seen on the next event.
      if (errnoCode(err) === "ENOENT") return absentPayload(this.name);
      if (errnoCode(err) !== undefined) return sourceError(this.name, "unreachable", (err as Error).message);
      throw err;
    }
  }

  /** Resolves on the next event (through `arm`) or after `ms`, whichever comes first. */
  private async waitForEvent(ms: number, signal: AbortSignal, arm: (wake: () => void) => void): Promise<void> {
    const stop = new AbortController();
    const event = new Promise<void>((woken) => arm(woken));
    const timer = delay(ms, undefined, { signal: AbortSignal.any([signal, stop.signal]) }).catch((err: unknown) => {
      if (!signal.aborted && !stop.signal.aborted) throw err;
    });
    await Promise.race([event, timer]);
    stop.abort();
    await timer;
  }

  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    signal.throwIfAborted();
    return this.readCurrent();
  }

  async *watch(signal: AbortSignal): AsyncGenerator<Payload | SourceError | SourceContact> {
    const log = this.options.log ?? silentLog;
    const debounceMs = this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    const isDirectory = await stat(this.path).then(
      (info) => info.isDirectory(),
      (err: unknown) => {
        if (errnoCode(err) === undefined) throw err;
        return false;
      },
    );
    // A directory source watches itself; a file source watches its parent for renames.
    const watched = isDirectory ? this.path : dirname(this.path);
    const relevant = (path: string): boolean => isDirectory || basename(path) === basename(this.path);
    let dirty = false;
    let wake: (() => void) | undefined;
    const watcher = watch(watched, { ignoreInitial: true, depth: 0 });
    const onChange = (_event: string, path: string): void => {
      if (!relevant(path)) return;
      dirty = true;
      wake?.();
    };
    const onAbort = (): void => wake?.();
    watcher.on("all", onChange);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await new Promise<void>((ready) => watcher.once("ready", () => ready()));
      let lastRevision: string | undefined;
      let settleReadDue = false;
      while (!signal.aborted) {
        dirty = false;
        const payload = await this.readCurrent();
        if (payload.kind === "error") {
          lastRevision = undefined;
          yield payload;
        } else if (payload.revision !== lastRevision) {
          lastRevision = payload.revision;
          log.debug?.("source.revision", describePayload(payload));
          yield payload;
        } else {
          yield { kind: "contact", source: this.name };
        }
        if (!dirty && settleReadDue) {
          // An edit inside chokidar's throttle window raises no event: look once more.
          settleReadDue = false;
          await this.waitForEvent(SETTLE_READ_MS, signal, (woken) => (wake = woken));
          wake = undefined;
          continue;
        }
        if (!dirty) await this.waitForEvent(RECHECK_MS, signal, (woken) => (wake = woken));
        wake = undefined;
        if (signal.aborted) return;
        settleReadDue = true;
        // Let a burst of events (write, rename, chmod) settle before reading.
        await delay(debounceMs, undefined, { signal }).catch((err: unknown) => {
          if (!signal.aborted) throw err;
        });
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      await watcher.close();
    }
  }
}
