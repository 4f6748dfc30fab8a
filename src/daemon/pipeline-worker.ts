// Large payloads are decoded and validated on a worker thread with a heap of its own:
// - the main thread keeps answering /healthz and repairing drift while 512 KiB of YAML is
//   parsed (hundreds of milliseconds of CPU);
// - a payload that needs more memory than the worker's limit kills the worker, not the
//   daemon: it is refused like any invalid revision (a 1 KB value once took 1.2 GB).
// Small payloads, the common case, stay on the main thread: a worker costs a bundle load.
import type { Worker } from "node:worker_threads";
import { decodeError } from "../decode/decode-error.js";
import { decodeWholeBase64 } from "../decode/unwrap-base64.js";
import { isGzip } from "../gzip/gunzip-capped.js";
import {
  MAX_REPORTED_ERRORS, resolveDesiredSet, summarizePayload, type DesiredSet, type DesiredSetOptions, type PipelineSteps, type RefusedPayload,
} from "./desired-set.js";
import type { Payload } from "../sources/source.js";
import type { EventLog } from "./event-log.js";

/** Plain text up to this size is resolved inline; larger or wrapped (gzip, base64) payloads go to a worker. */
export const INLINE_MAX_BYTES = 32 * 1024;

export interface WorkerLimits {
  /** The worker's old-generation heap; past it the payload is refused. */
  heapMb: number;
  /** Past this the worker is stopped and the payload refused. */
  timeoutMs: number;
}

export const DEFAULT_WORKER_LIMITS: WorkerLimits = { heapMb: 64, timeoutMs: 60_000 };

/** The marker in workerData that tells the worker's entry it was started for a pipeline request. */
const PIPELINE_WORKER = "rower-pipeline-worker";

interface PipelineRequest {
  kind: typeof PIPELINE_WORKER;
  revision: Payload | RefusedPayload;
  options: DesiredSetOptions;
}

export type DesiredSetResolver = (revision: Payload | RefusedPayload) => Promise<DesiredSet>;

/**
 * Inline for small plain payloads; on a worker started from `workerEntry` (dist/pipeline-worker.mjs)
 * otherwise. Without an entry (in-process tests) everything is inline.
 */
export function createDesiredSetResolver(
  steps: PipelineSteps, options: DesiredSetOptions, workerEntry: URL | undefined, log: EventLog, limits: WorkerLimits = DEFAULT_WORKER_LIMITS,
): DesiredSetResolver {
  return async (revision) => {
    if (workerEntry === undefined || !needsWorker(revision)) return resolveDesiredSet(revision, steps, options);
    log.info("decode.offThread", { source: revision.source, revision: revision.revision, ...summarizePayload(revision), heapMb: limits.heapMb });
    return resolveInWorker(revision, options, workerEntry, limits);
  };
}

function needsWorker(revision: Payload | RefusedPayload): boolean {
  if (revision.kind !== "present") return false;
  const { bytes } = revision;
  return bytes.byteLength > INLINE_MAX_BYTES || isGzip(bytes) || decodeWholeBase64(bytes) !== undefined;
}

export async function resolveInWorker(
  revision: Payload | RefusedPayload, options: DesiredSetOptions, workerEntry: URL, limits: WorkerLimits,
): Promise<DesiredSet> {
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const request: PipelineRequest = { kind: PIPELINE_WORKER, revision, options };
  const worker: Worker = new Worker(workerEntry, {
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: Math.max(4, Math.round(limits.heapMb / 8)) },
    // The worker must not inherit --max-old-space-size and friends: its limits are these.
    execArgv: process.execArgv.filter((arg) => !arg.startsWith("--max-old-space-size")),
    stdout: true,
    stderr: true,
  });
  const origin = { source: revision.source, document: 0 };
  try {
    return await new Promise<DesiredSet>((resolve) => {
      const timer = setTimeout(() => {
        resolve(refused(decodeError(origin, "decode.tooSlow", `decoding and validating took more than ${limits.timeoutMs} ms; refusing the payload whole`)));
      }, limits.timeoutMs);
      const settle = (set: DesiredSet): void => {
        clearTimeout(timer);
        resolve(set);
      };
      worker.once("message", (set: DesiredSet) => settle(set));
      worker.once("error", (err: Error & { code?: string }) => {
        settle(refused(err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? decodeError(origin, "decode.tooComplex", `decoding and validating needed more than ${limits.heapMb} MiB; refusing the payload whole`)
          // A bug in decode or validate must not take the daemon down with it: refuse, and say what broke.
          : decodeError(origin, "decode.workerFailed", `the decoding worker failed: ${err.message}`)));
      });
      worker.once("exit", (code) => {
        settle(refused(decodeError(origin, "decode.workerExited", `the decoding worker exited (${code}) without an answer`)));
      });
    });
  } finally {
    await worker.terminate();
  }
}

function refused(error: ReturnType<typeof decodeError>): DesiredSet {
  return { kind: "invalid", errors: [error], errorCount: 1, reason: error.detail ?? error.rule };
}

/** True in a thread started by resolveInWorker. */
export function isPipelineWorker(workerData: unknown): boolean {
  return typeof workerData === "object" && workerData !== null && (workerData as { kind?: unknown }).kind === PIPELINE_WORKER;
}

/** Whether a worker's request has a policy to check (its entry then loads the policy code). */
export function carriesPolicy(workerData: unknown): boolean {
  return isPipelineWorker(workerData) && (workerData as PipelineRequest).options.policy !== undefined;
}

/** The worker's side: resolve the one payload it was given and post the set back. */
export function servePipelineWorker(workerData: unknown, post: (set: DesiredSet) => void, steps: PipelineSteps): void {
  const request = workerData as PipelineRequest;
  const set = resolveDesiredSet(request.revision, steps, request.options);
  // Errors are already capped by resolveDesiredSet; the set crosses the thread as a copy.
  post(set.kind === "invalid" ? { ...set, errors: set.errors.slice(0, MAX_REPORTED_ERRORS) } : set);
}
