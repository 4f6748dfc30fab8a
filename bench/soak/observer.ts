// Watches a manifest directory from outside, as the kubelet would, while a fault runs:
// samples it as fast as it can read it and classifies each sample against the sets that
// some revision declared. A sample is fine when it is exactly one declared set; otherwise
// - a file whose bytes no declared set gives that name is a *partial* file (torn, or from a
//   value nobody declared), at any moment;
// - a file that must be kept and is missing is a *lost* file, at any moment;
// - known files that no declared set holds are a *mixed* set when the daemon has said an apply
//   ended (`settled()`): the renames of one commit are not one atomic step, so a reader
//   racing a commit sees old and new side by side for its duration, which is reported apart
//   (count and longest window), not as a loss.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { resolveDesiredSet } from "../../src/daemon/desired-set.js";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { validateDocuments } from "../../src/validate/validate-documents.js";

export type FileSet = Map<string, string>;

export interface Observation {
  samples: number;
  partialFiles: number;
  mixedSets: number;
  lostFiles: number;
  /** ms from `expectFinal` to the first sample equal to the final set; undefined if never seen. */
  convergeMs: number | undefined;
  /** Mixes seen while a commit was in flight, and the longest such window in ms. */
  transientMixes: number;
  longestMixMs: number;
  /** A few of the odd samples, to say what went wrong. */
  examples: string[];
}

/** The files rower writes for a payload (the daemon's own pipeline), for a payload that is valid. */
export function renderedSet(yaml: string, nodeName = "node-1"): FileSet {
  const set = resolveDesiredSet(
    { kind: "present", source: "soak", revision: "soak", bytes: new TextEncoder().encode(yaml) },
    { decodePayload, validateDocuments, renderManifest },
    { maxBytes: 524_288, nodeName, keepOnAbsent: false },
  );
  if (set.kind !== "set") throw new Error(`soak: a declared payload is not valid: ${JSON.stringify(set).slice(0, 300)}`);
  return new Map(set.manifests.map((m) => [m.file, m.content]));
}

export class DirectoryObserver {
  private readonly declared: FileSet[] = [];
  private mustKeep = new Set<string>();
  private final: { set: FileSet; since: number } | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly result: Observation = {
    samples: 0, partialFiles: 0, mixedSets: 0, lostFiles: 0, convergeMs: undefined, transientMixes: 0, longestMixMs: 0, examples: [],
  };
  private mixSince: number | undefined;
  // Counted once each: a file lost for a second is one lost file, not a thousand samples.
  private readonly lost = new Set<string>();
  private readonly partial = new Set<string>();
  private readonly mixed = new Set<string>();

  constructor(private readonly dir: string) {}

  /** A set some revision declared: samples equal to it are fine. */
  declare(set: FileSet): void {
    this.declared.push(set);
  }

  /** Files that must never be missing (a fault must not take them away). */
  keep(files: Iterable<string>): void {
    this.mustKeep = new Set(files);
  }

  /** From now on, time how long until the directory is exactly `set`. */
  expectFinal(set: FileSet): void {
    this.declare(set);
    this.final = { set, since: performance.now() };
    this.result.convergeMs = undefined;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.sample();
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
  }

  async stop(): Promise<Observation> {
    this.running = false;
    await this.loop;
    await this.sample();
    return this.result;
  }

  /** Resolves once a sample equals the final set (or rejects after `timeoutMs`, failing the trial). */
  async converged(timeoutMs = 60_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (this.result.convergeMs === undefined) {
      if (performance.now() > deadline) throw new Error(`soak: the directory did not converge within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.result.convergeMs;
  }

  /** The daemon logged the end of an apply: the directory must now be one declared set. */
  async settled(): Promise<void> {
    if (this.running) await this.sample(true);
  }

  private async sample(settled = false): Promise<void> {
    const sampledAt = performance.now();
    const seen = await readSet(this.dir);
    this.result.samples++;
    if (this.final && this.result.convergeMs === undefined && sameSet(seen, this.final.set)) {
      this.result.convergeMs = performance.now() - this.final.since;
    }
    for (const file of this.mustKeep) {
      if (!seen.has(file) && !this.lost.has(file)) {
        this.lost.add(file);
        this.result.lostFiles = this.lost.size;
        this.note(`lost ${file}`);
      }
    }
    if (this.declared.some((set) => sameSet(seen, set))) {
      if (this.mixSince !== undefined) this.result.longestMixMs = Math.max(this.result.longestMixMs, sampledAt - this.mixSince);
      this.mixSince = undefined;
      return;
    }
    let partial = false;
    for (const [file, content] of seen) {
      if (this.declared.some((set) => set.get(file) === content)) continue;
      partial = true;
      const key = `${file}\u0000${content}`;
      if (this.partial.has(key)) continue;
      this.partial.add(key);
      this.result.partialFiles = this.partial.size;
      this.note(`partial or undeclared ${file} (${content.length} bytes)`);
    }
    if (partial) return;
    const signature = [...seen].map(([file, content]) => `${file}\u0000${content}`).join("\u0001");
    if (!settled) {
      if (this.mixSince === undefined) {
        this.mixSince = sampledAt;
        this.result.transientMixes++;
      }
      return;
    }
    if (!this.mixed.has(signature)) {
      this.mixed.add(signature);
      this.result.mixedSets = this.mixed.size;
      this.note(`mixed set after an apply ended: ${[...seen.keys()].join(",")}`);
    }
  }

  private note(text: string): void {
    if (this.result.examples.length < 5) this.result.examples.push(text);
  }
}

async function readSet(dir: string): Promise<FileSet> {
  const set: FileSet = new Map();
  const names = await readdir(dir).catch(ifMissing([]));
  for (const name of names.sort()) {
    if (name.startsWith(".")) continue;
    // Gone between readdir and read: this sample does not hold it.
    const content = await readFile(join(dir, name), "utf8").catch(ifMissing(undefined));
    if (content !== undefined) set.set(name, content);
  }
  return set;
}

/** A catch handler answering `value` for ENOENT and rethrowing anything else. */
function ifMissing<T>(value: T): (err: unknown) => T {
  return (err) => {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return value;
    throw err;
  };
}

function sameSet(a: FileSet, b: FileSet): boolean {
  if (a.size !== b.size) return false;
  for (const [file, content] of a) if (b.get(file) !== content) return false;
  return true;
}

/** What the row's note says besides its own figure: transient commit windows, and the first oddity seen. */
export function describeObservation(seen: Observation): string {
  const transient = seen.transientMixes > 0 ? `${seen.transientMixes} commit(s) caught mid-rename, longest ${seen.longestMixMs.toFixed(1)} ms` : "";
  return [transient, seen.examples[0] ?? ""].filter((part) => part !== "").join("; ");
}
