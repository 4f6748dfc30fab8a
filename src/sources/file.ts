// file:PATH — a file, or a directory whose non-dot files are read in name order and their
// documents concatenated (like the kubelet's file source, which skips dotfiles), each file
// starting a new document without its BOM; editors' backup and swap files are skipped.
// - A read happens only once the path has settled: two looks (inode, size, mtime of every
//   file read) SETTLE_LOOK_MS apart agree, and agree again after the read.
// - A path missing at the first look is a source error naming it; once seen, a missing
//   path reads as absent.
// - Watched with chokidar on the containing directory, so an editor's rename-and-replace
//   save (a new inode) is seen; only a new revision is yielded, and an emptied or vanished
//   file only once it has stayed so for EMPTY_HOLD_MS (`> pods.yaml` truncates, then writes).
import { DEFAULT_MAX_BYTES } from "../contract/defaults.js";
import type { Stats } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { watchOpOf } from "../fs-watch/watch-op.js";
import { sleep } from "./jittered-sleep.js";
import { absentPayload, describePayload, presentPayload, withSignature } from "./revision.js";
import type { Payload, Source, SourceContact, SourceError } from "./source.js";
import { sourceError } from "./source-error.js";
import { MAX_SIGNATURE_BYTES, SIGNATURE_FILE_SUFFIX, STALE_SLACK_MS, silentLog, type SourceOptions } from "./source-options.js";
import { monotonicMs } from "../clock/monotonic-ms.js";

// The file watch's timing, in one block.
/** Quiet period after an event before looking: a save is a burst (write, rename, chmod). */
const DEFAULT_DEBOUNCE_MS = 100;
/**
 * Two looks this far apart must agree before a read. Not less than chokidar's 50 ms "change"
 * throttle: an edit inside that window raises no event, but lands before the second look.
 */
const SETTLE_LOOK_MS = 50;
/** A path still changing after this long is a timeout error; the loop retries. */
const SETTLE_TIMEOUT_MS = 2000;
/** An emptied or vanished file is yielded only after staying so this long. */
const EMPTY_HOLD_MS = 1000;
/** Looked at again without an event this often (the kubelet re-lists its static-pod directory every 20 s): events can be lost. */
const RECHECK_MS = 20_000;

const DOCUMENT_SEPARATOR = Buffer.from("---\n");
/** What a look at a path that does not exist sees. */
const MISSING = "missing";
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
  /** The periodic re-check yields at least a contact; a read may take the settle timeout. */
  readonly staleAfterMs: number;
  private readonly path: string;
  /** `--trust`: the detached signature beside the path (`PATH.sig`), read in the same settled read. */
  private readonly signaturePath: string | undefined;
  private readonly maxBytes: number;
  private lastSkipped = "";
  /** Whether any look has found the path: until then, missing is an error, not absent. */
  private seen = false;

  constructor(
    path: string,
    private readonly options: SourceOptions,
  ) {
    this.path = resolve(path);
    this.signaturePath = options.signatures === true ? `${this.path}${SIGNATURE_FILE_SUFFIX}` : undefined;
    this.name = `file:${path}`;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.staleAfterMs = RECHECK_MS + (options.debounceMs ?? DEFAULT_DEBOUNCE_MS) + SETTLE_TIMEOUT_MS + STALE_SLACK_MS;
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

  private missing(): SourceError {
    return sourceError(this.name, "unreachable", `${this.path} does not exist`);
  }

  /** The non-dot, non-leftover names of a directory source, in read order. */
  private async listDirectory(): Promise<string[]> {
    const visible = (await readdir(this.path)).filter((name) => !name.startsWith(".")).sort();
    this.reportSkipped(visible.filter(isEditorLeftover));
    return visible.filter((name) => !isEditorLeftover(name));
  }

  /** What a look sees: identity, size and mtime of the path and of every file a read would take (the signature too). */
  private async look(): Promise<string> {
    const value = await this.lookAtValue();
    if (this.signaturePath === undefined) return value;
    const signature = await stat(this.signaturePath).then(fingerprint, (err: unknown) => {
      if (errnoCode(err) === undefined) throw err;
      return "none";
    });
    return `${value}|sig=${signature}`;
  }

  private async lookAtValue(): Promise<string> {
    try {
      const info = await stat(this.path);
      this.seen = true;
      if (!info.isDirectory()) return fingerprint(info);
      const parts = [fingerprint(info)];
      for (const name of await this.listDirectory()) {
        const entry = await stat(join(this.path, name)).catch((err: unknown) => {
          if (errnoCode(err) === "ENOENT") return undefined;
          throw err;
        });
        parts.push(`${name}=${entry === undefined ? "gone" : fingerprint(entry)}`);
      }
      return parts.join("|");
    } catch (err) {
      const code = errnoCode(err);
      if (code === "ENOENT" || code === "ENOTDIR") return MISSING;
      // The read reports it, as a source error.
      if (code !== undefined) return `error:${code}`;
      throw err;
    }
  }

  private async readDirectory(): Promise<Payload | SourceError> {
    const parts: Buffer[] = [];
    let total = 0;
    for (const name of await this.listDirectory()) {
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
    const payload = await this.readValue();
    if (this.signaturePath === undefined || payload.kind !== "present") return payload;
    const from = `file:${this.signaturePath}`;
    try {
      const info = await stat(this.signaturePath);
      if (!info.isFile() || info.size > MAX_SIGNATURE_BYTES) return sourceError(from, "protocol", `not a signature file (a regular file of at most ${MAX_SIGNATURE_BYTES} bytes)`);
      return withSignature(payload, { from, bytes: new Uint8Array(await readFile(this.signaturePath)) });
    } catch (err) {
      if (errnoCode(err) === "ENOENT") return withSignature(payload, { from });
      if (errnoCode(err) !== undefined) return sourceError(from, "unreachable", (err as Error).message);
      throw err;
    }
  }

  private async readValue(): Promise<Payload | SourceError> {
    try {
      const info = await stat(this.path);
      if (info.isDirectory()) return await this.readDirectory();
      if (info.size > this.maxBytes) return this.tooLarge();
      const bytes = await readFile(this.path);
      return bytes.byteLength > this.maxBytes ? this.tooLarge() : presentPayload(this.name, new Uint8Array(bytes));
    } catch (err) {
      // Gone since it was seen: absent (a file replaced mid-read changes the look, so it is read again).
      if (errnoCode(err) === "ENOENT") return this.seen ? absentPayload(this.name) : this.missing();
      if (errnoCode(err) !== undefined) return sourceError(this.name, "unreachable", (err as Error).message);
      throw err;
    }
  }

  /** Reads once two looks SETTLE_LOOK_MS apart agree, and the look after the read agrees too. */
  private async readSettled(signal: AbortSignal): Promise<Payload | SourceError> {
    const log = this.options.log ?? silentLog;
    const deadline = monotonicMs() + SETTLE_TIMEOUT_MS;
    let before = await this.look();
    if (before.startsWith(MISSING) && !this.seen) return this.missing();
    for (let looks = 1; ; looks += 1) {
      log.debug?.("source.settling", { source: this.name, looks });
      // Rejects with the abort reason when the signal aborts.
      await delay(SETTLE_LOOK_MS, undefined, { signal });
      const now = await this.look();
      if (now === before) {
        const payload = await this.readCurrent();
        const after = await this.look();
        if (after === now) return payload;
        before = after;
      } else {
        before = now;
      }
      if (monotonicMs() > deadline) return sourceError(this.name, "timeout", `still changing after ${SETTLE_TIMEOUT_MS} ms`);
    }
  }

  /** A fresh, settled read every call (the sync loop's wipe guard relies on it). */
  async read(signal: AbortSignal): Promise<Payload | SourceError> {
    return this.readSettled(signal);
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
    // A directory source watches itself; a file source watches its parent for renames. A
    // signature lives beside the path: a directory source watches it as well.
    const signature = this.signaturePath;
    const watched = isDirectory ? [this.path, ...(signature === undefined ? [] : [signature])] : [dirname(this.path)];
    const relevant = (path: string): boolean =>
      isDirectory ? true : basename(path) === basename(this.path) || (signature !== undefined && basename(path) === basename(signature));
    let dirty = false;
    let wake: (() => void) | undefined;
    // Loaded here: a cloud source's daemon and every --once run never watch a file.
    const { watch } = await import("chokidar");
    const watcher = watch(watched, { ignoreInitial: true, depth: 0 });
    watcher.on("all", (event, path) => {
      const op = watchOpOf(event);
      if (op === undefined || !relevant(path)) return;
      log.debug?.("source.fs_event", { source: this.name, op, file: basename(path) });
      dirty = true;
      wake?.();
    });
    /** Resolves on the next event, after `ms`, or on abort, whichever comes first. */
    const nextEvent = async (ms: number): Promise<void> => {
      if (dirty || signal.aborted) return;
      const stop = new AbortController();
      const event = new Promise<void>((woken) => (wake = woken));
      await Promise.race([event, sleep(ms, AbortSignal.any([signal, stop.signal]))]);
      stop.abort();
      wake = undefined;
    };
    try {
      await new Promise<void>((ready) => watcher.once("ready", () => ready()));
      let lastRevision: string | undefined;
      /** Whether the last yielded payload had content: only then is an empty one held. */
      let lastHadContent = false;
      /** When the current run of empty reads began (monotonicMs()), while held. */
      let emptySince: number | undefined;
      while (!signal.aborted) {
        dirty = false;
        let payload: Payload | SourceError;
        try {
          payload = await this.readSettled(signal);
        } catch (err) {
          if (signal.aborted) return;
          throw err;
        }
        if (payload.kind === "error") {
          lastRevision = undefined;
          yield payload;
        } else if (payload.revision === lastRevision) {
          emptySince = undefined;
          yield { kind: "contact", source: this.name };
        } else if (isEmpty(payload) && lastHadContent && (emptySince === undefined || monotonicMs() - emptySince < EMPTY_HOLD_MS)) {
          // Held: a save passes through empty; if content comes back, this read is never yielded.
          if (emptySince === undefined) {
            emptySince = monotonicMs();
            log.info("source.empty_held", { source: this.name, state: payload.kind, holdMs: EMPTY_HOLD_MS });
          }
          yield { kind: "contact", source: this.name };
          await nextEvent(emptySince + EMPTY_HOLD_MS - monotonicMs());
          if (dirty && !(await sleep(debounceMs, signal))) return;
          continue;
        } else {
          lastRevision = payload.revision;
          lastHadContent = !isEmpty(payload);
          emptySince = undefined;
          log.debug?.("source.revision", describePayload(payload));
          yield payload;
        }
        await nextEvent(RECHECK_MS);
        // Let a burst of events settle before looking.
        if (dirty && !(await sleep(debounceMs, signal))) return;
      }
    } finally {
      await watcher.close();
    }
  }
}

/** An empty or whitespace-only file, or none: no pods. */
function isEmpty(payload: Payload): boolean {
  return payload.kind === "absent" || payload.bytes.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
}

function fingerprint(info: Stats): string {
  return `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}
