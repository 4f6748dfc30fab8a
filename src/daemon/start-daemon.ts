// Builds a daemon from a Config: lock, state, source, loop, drift watch, health server.
// Everything it starts belongs to the returned object, so two daemons can share a process.
import type { Config } from "../config/config.js";
import { sourceOptionsOf } from "../config/source-options-of.js";
import { decodePayload } from "../decode/decode-payload.js";
import { acquireDirLock, DirLockHeldError, DirLockLostError, type DirLock } from "../manifests/dir-lock.js";
import { ManifestIoError } from "../manifests/manifest-io-error.js";
import { renderManifest } from "../manifests/render-manifest.js";
import { createSource } from "../sources/create-source.js";
import { validateDocuments } from "../validate/validate-documents.js";
import { createDaemonMetrics } from "./daemon-metrics.js";
import { buildDaemonState, type StateSnapshot } from "./daemon-state.js";
import { startDriftWatch, type DriftWatch } from "./drift-watch.js";
import type { EventLog } from "./event-log.js";
import { startHealthServer, type HealthServer } from "./health-server.js";
import { ReadinessTracker } from "./readiness.js";
import { ownedFilesFor, readState, writeState } from "./state-file.js";
import { SyncLoop, type SyncVerdict } from "./sync-loop.js";

export interface DaemonOptions {
  log: EventLog;
  /** Drift re-check period; tests shorten it. */
  driftRecheckMs?: number;
}

export interface RunningDaemon {
  /** `/healthz`, `/readyz`, `/metrics` base URL when `--listen` was given. */
  healthUrl?: string;
  /** SIGHUP: abandon the current watch, re-read the source and re-sync. */
  reload(): void;
  /** SIGTERM/SIGINT: finish the write in flight, stop, leave the files. */
  stop(): Promise<void>;
  /** Settles when the daemon has stopped. */
  done: Promise<void>;
  /** True when it stopped by itself because another rower took the manifest directory: exit non-zero. */
  lockLost(): boolean;
}

export type StartResult = { ok: true; daemon: RunningDaemon } | { ok: false; message: string };

/** The shared start-up of `run` and `run --once`; undone in reverse by `release`. */
interface Prepared {
  lock: DirLock;
  sourceName: string;
  loop: SyncLoop;
  metrics: ReturnType<typeof createDaemonMetrics>;
  readiness: ReadinessTracker;
  stopping: AbortController;
  release(): Promise<void>;
}

export async function startDaemon(config: Config, options: DaemonOptions): Promise<StartResult> {
  let drift: DriftWatch | undefined;
  const watchDirectory = (): DriftWatch => startDriftWatch({
    dir: config.manifestDir,
    recheckMs: options.driftRecheckMs,
    onDrift: () => loop.requestDriftCheck(),
    onError: (error) => log.warn("drift.watchError", { message: error.message }),
  });
  // A removed directory takes its inotify watch with it: watch the re-created one.
  const rewatchDirectory = async (): Promise<void> => {
    const old = drift;
    drift = watchDirectory();
    await old?.close();
    await drift.ready;
  };
  let lockLost = false;
  const prepared = await prepare(config, options, {
    onDirectoryRecreated: rewatchDirectory,
    onLockLost: (err) => {
      lockLost = true;
      log.error("lock.lost", { path: err.path, holderPid: err.holderPid, action: "stopping; exit 1" });
      if (prepared.ok) prepared.value.stopping.abort();
    },
  });
  if (!prepared.ok) return prepared;
  const { loop, metrics, readiness, stopping, release } = prepared.value;
  const { log } = options;

  let health: HealthServer | undefined;
  if (config.listen) {
    const started = await startHealthServer({ address: config.listen, readiness: () => readiness.current(), registry: metrics.registry });
    if (!started.ok) {
      await release();
      return started;
    }
    health = started.server;
  }
  drift = watchDirectory();
  await drift.ready;

  let cycle = new AbortController();
  const nextCycle = (): AbortSignal => {
    cycle = new AbortController();
    return AbortSignal.any([stopping.signal, cycle.signal]);
  };
  log.info("daemon.started", {
    source: prepared.value.sourceName, manifestDir: config.manifestDir, stateDir: config.stateDir, nodeName: config.nodeName,
    healthUrl: health?.url,
  });
  const done = loop.run(nextCycle).finally(async () => {
    await drift?.close();
    await health?.close();
    await release();
    log.info("daemon.stopped", {});
  });
  const daemon: RunningDaemon = {
    reload: () => {
      log.info("daemon.reload", { reason: "SIGHUP: full re-read and re-sync" });
      cycle.abort();
    },
    stop: async () => {
      if (!stopping.signal.aborted) log.info("daemon.stopping", {});
      stopping.abort();
      await done;
    },
    done,
    lockLost: () => lockLost,
  };
  if (health) daemon.healthUrl = health.url;
  return { ok: true, daemon };
}

/** `rower run --once`: one sync under the lock; the verdict decides the exit code. */
export async function runDaemonOnce(config: Config, options: DaemonOptions): Promise<{ ok: true; verdict: SyncVerdict } | { ok: false; message: string }> {
  const prepared = await prepare(config, options);
  if (!prepared.ok) return prepared;
  try {
    return { ok: true, verdict: await prepared.value.loop.syncOnce() };
  } finally {
    // A failed apply arms the loop's retry timer: --once must exit instead of retrying.
    await prepared.value.loop.close();
    await prepared.value.release();
  }
}

interface PrepareHooks {
  /** The lock was re-established in a re-created (or re-pointed) manifest directory; awaited before the apply. */
  onDirectoryRecreated?: () => Promise<void>;
  /** Another rower holds the manifest directory now. */
  onLockLost?: (err: DirLockLostError) => void;
}

async function prepare(
  config: Config, options: DaemonOptions, hooks: PrepareHooks = {},
): Promise<{ ok: true; value: Prepared } | { ok: false; message: string }> {
  const { log } = options;
  let lock: DirLock;
  try {
    lock = await acquireDirLock(config.manifestDir);
  } catch (err) {
    if (err instanceof DirLockHeldError) {
      return { ok: false, message: `another rower (pid ${err.holderPid ?? "unknown"}) holds ${err.path}; one rower per manifest directory` };
    }
    if (err instanceof ManifestIoError) return { ok: false, message: `cannot lock the manifest directory: ${err.message}` };
    throw err;
  }

  const stored = await readState(config.stateDir).catch((err: unknown) => {
    if (err instanceof ManifestIoError) return { kind: "invalid" as const, path: err.path, message: err.message };
    throw err;
  });
  if (stored.kind === "invalid") log.warn("state.unreadable", { path: stored.path, message: stored.message, action: "ownership falls back to the marker" });
  const record = stored.kind === "state" ? ownedFilesFor(stored.state, config.manifestDir) : undefined;

  const source = createSource(config.source, sourceOptionsOf(config, log));
  const metrics = createDaemonMetrics();
  const readiness = new ReadinessTracker();
  const stopping = new AbortController();
  const saveState = async (snapshot: StateSnapshot): Promise<void> => {
    try {
      await writeState(config.stateDir, buildDaemonState(snapshot, new Date(), process.pid));
    } catch (err) {
      // The manifests are what matter; a state directory we cannot write is reported and retried next sync.
      if (!(err instanceof ManifestIoError)) throw err;
      log.warn("state.writeFailed", { code: err.code, message: err.message });
    }
  };
  const loop = new SyncLoop({
    source,
    steps: { decodePayload, validateDocuments, renderManifest },
    desiredSet: { maxBytes: config.maxBytes, nodeName: config.nodeName, keepOnAbsent: config.keepOnAbsent },
    manifestDir: config.manifestDir,
    lock: {
      ensureHeld: async () => {
        try {
          const held = await lock.ensureHeld();
          if (held.state !== "held") await hooks.onDirectoryRecreated?.();
          return held;
        } catch (err) {
          if (err instanceof DirLockLostError) hooks.onLockLost?.(err);
          throw err;
        }
      },
    },
    record,
    log,
    metrics,
    readiness,
    saveState,
    signal: stopping.signal,
  });
  const release = (): Promise<void> => lock.release();
  return { ok: true, value: { lock, sourceName: source.name, loop, metrics, readiness, stopping, release } };
}
