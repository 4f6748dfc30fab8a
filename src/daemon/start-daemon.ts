// Builds a daemon from a Config: lock, state, source, loop, drift watch, health server.
// Everything it starts belongs to the returned object, so two daemons can share a process.
import type { Config } from "../config/config.js";
import { sourceOptionsOf } from "../config/source-options-of.js";
import { decodePayload } from "../decode/decode-payload.js";
import { acquireDirLock, DirLockHeldError, type DirLock } from "../manifests/dir-lock.js";
import { DirectoryObserver } from "../manifests/observe-directory.js";
import { ManifestIoError } from "../manifests/manifest-io-error.js";
import { renderManifest } from "../manifests/render-manifest.js";
import { createSource } from "../sources/create-source.js";
import { validateDocuments } from "../validate/validate-documents.js";
import { createDaemonMetrics, unservedMetrics, type DaemonMetrics, type ServedMetrics } from "./daemon-metrics.js";
import { buildDaemonState, type StateSnapshot } from "./daemon-state.js";
import { startDriftWatch, type DriftWatch } from "./drift-watch.js";
import type { EventLog } from "./event-log.js";
import { startHealthServer, type HealthServer } from "./health-server.js";
import { ReadinessTracker } from "./readiness.js";
import { ownedFilesFor, readState, writeState } from "./state-file.js";
import { createDesiredSetResolver, type DesiredSetResolver } from "./pipeline-worker.js";
import type { OutcomeSinks } from "./record-outcome.js";
import type { Policy } from "../policy/policy.js";
import { loadPolicy, loadTrust, startFollowers } from "./start-followers.js";
import { SyncLoop } from "./sync-loop.js";
import type { SyncVerdict } from "./sync-verdict.js";

export interface DaemonOptions {
  log: EventLog;
  /** Drift re-check period; tests shorten it. */
  driftRecheckMs?: number;
  /** The CLI bundle, started as a worker thread to decode large payloads; without it all decoding is inline. */
  workerEntry?: URL;
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
  metrics: DaemonMetrics;
  /** With `--listen`: what /metrics serves. */
  served: ServedMetrics | undefined;
  readiness: ReadinessTracker;
  stopping: AbortController;
  /** `--policy` as read at start. */
  policy?: Policy;
  /** Puts a new policy in force for every revision resolved from now on. */
  setPolicy(policy: Policy): void;
  /** Whoever follows recorded outcomes (the kubelet watch, the guest-attribute reporter) registers here. */
  onRecorded: Array<NonNullable<OutcomeSinks["onRecorded"]>>;
  release(): Promise<void>;
}

export async function startDaemon(config: Config, options: DaemonOptions): Promise<StartResult> {
  const { log } = options;
  // Built before the loop so the lock can re-arm it when the directory is re-created; it
  // learns whom to tell about drift once the loop exists (restart before start does nothing).
  const directory = new DirectoryWatch({ dir: config.manifestDir, recheckMs: options.driftRecheckMs, log });
  const prepared = await prepare(config, options, { onDirectoryRecreated: () => directory.restart() });
  if (!prepared.ok) return prepared;
  const { loop, served, readiness, stopping, release } = prepared.value;

  let cycle = new AbortController();
  const reload = (reason: string): void => {
    log.info("daemon.reload", { reason });
    cycle.abort();
  };

  let health: HealthServer | undefined;
  if (config.listen && served) {
    const started = await startHealthServer({ address: config.listen, readiness: () => readiness.current(), registry: served.registry });
    if (!started.ok) {
      await release();
      return started;
    }
    health = started.server;
  }
  await directory.start(() => loop.requestDriftCheck());
  // --policy, --kubelet, --report-guest-attributes: each loaded only when given.
  const followers = await startFollowers(config, { log, loop, prepared: prepared.value, reload });

  const nextCycle = (): AbortSignal => {
    cycle = new AbortController();
    return AbortSignal.any([stopping.signal, cycle.signal]);
  };
  log.info("daemon.started", {
    source: prepared.value.sourceName, manifestDir: config.manifestDir, stateDir: config.stateDir, nodeName: config.nodeName,
    healthUrl: health?.url,
  });
  const done = loop.run(nextCycle).finally(async () => {
    await followers.close();
    await directory.close();
    await health?.close();
    await release();
    log.info("daemon.stopped", {});
  });
  const daemon: RunningDaemon = {
    reload: () => reload("SIGHUP: full re-read and re-sync"),
    stop: async () => {
      if (!stopping.signal.aborted) log.info("daemon.stopping", {});
      stopping.abort();
      await done;
    },
    done,
    lockLost: () => loop.lockLost,
  };
  if (health) daemon.healthUrl = health.url;
  return { ok: true, daemon };
}

/** The drift watch on the manifest directory, re-armed when the directory is re-created. */
class DirectoryWatch {
  private watch: DriftWatch | undefined;
  private onDrift: (() => void) | undefined;

  constructor(private readonly options: { dir: string; recheckMs: number | undefined; log: EventLog }) {}

  async start(onDrift: () => void): Promise<void> {
    this.onDrift = onDrift;
    await this.restart();
  }

  /** A removed directory takes its inotify watch with it: watch the re-created one. */
  async restart(): Promise<void> {
    const onDrift = this.onDrift;
    if (onDrift === undefined) return;
    const old = this.watch;
    this.watch = startDriftWatch({
      dir: this.options.dir,
      recheckMs: this.options.recheckMs,
      onDrift: () => onDrift(),
      onError: (error) => this.options.log.warn("drift.watchError", { message: error.message }),
    });
    await old?.close();
  }

  async close(): Promise<void> {
    this.onDrift = undefined;
    await this.watch?.close();
  }
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
}

async function prepare(
  config: Config, options: DaemonOptions, hooks: PrepareHooks = {},
): Promise<{ ok: true; value: Prepared } | { ok: false; message: string }> {
  const { log } = options;
  const loadedPolicy = config.policy === undefined ? undefined : await loadPolicy(config.policy);
  if (loadedPolicy !== undefined && !loadedPolicy.ok) return loadedPolicy;
  if (loadedPolicy !== undefined) log.info("policy.loaded", { path: config.policy, policy: loadedPolicy.status.summary, cause: "start" });
  const verify = config.trust.length === 0 ? undefined : await loadTrust(config.trust);
  if (verify !== undefined && !verify.ok) return verify;
  if (verify !== undefined) log.info("trust.keys", { keys: verify.keys, rule: "only values signed by one of these keys are applied; an absent key changes nothing" });
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
  if (lock.created !== undefined) log.info("manifests.dirCreated", { path: lock.created, manifestDir: config.manifestDir });

  const stored = await readState(config.stateDir).catch((err: unknown) => {
    if (err instanceof ManifestIoError) return { kind: "invalid" as const, path: err.path, message: err.message };
    throw err;
  });
  if (stored.kind === "invalid" || stored.kind === "unreadable") {
    log.warn("state.unreadable", { path: stored.path, message: stored.message, action: "ownership falls back to the marker" });
  }
  const record = stored.kind === "state" ? ownedFilesFor(stored.state, config.manifestDir) : undefined;

  const source = createSource(config.source, sourceOptionsOf(config, log));
  const served = config.listen ? await createDaemonMetrics() : undefined;
  const metrics: DaemonMetrics = served ?? unservedMetrics();
  const readiness = new ReadinessTracker({ staleAfterMs: () => source.staleAfterMs });
  const stopping = new AbortController();
  const saveState = async (snapshot: StateSnapshot): Promise<void> => {
    try {
      const created = await writeState(config.stateDir, buildDaemonState(snapshot, new Date(), process.pid));
      if (created !== undefined) log.info("state.dirCreated", { path: created, stateDir: config.stateDir });
    } catch (err) {
      // The manifests are what matter; a state directory we cannot write is reported and retried next sync.
      if (!(err instanceof ManifestIoError)) throw err;
      log.warn("state.writeFailed", { code: err.code, message: err.message });
    }
  };
  const steps = { decodePayload, validateDocuments, renderManifest, ...(loadedPolicy === undefined ? {} : { compilePolicy: loadedPolicy.compilePolicy }) };
  const resolverFor = (policy: Policy | undefined): DesiredSetResolver => createDesiredSetResolver(
    steps,
    { maxBytes: config.maxBytes, nodeName: config.nodeName, keepOnAbsent: config.keepOnAbsent, ...(policy === undefined ? {} : { policy }) },
    options.workerEntry,
    log,
  );
  let resolveNow = resolverFor(loadedPolicy?.policy);
  const onRecorded: Prepared["onRecorded"] = [];
  const loop = new SyncLoop({
    onRecorded: (what, snapshot) => { for (const listener of onRecorded) listener(what, snapshot); },
    source,
    resolve: (revision) => resolveNow(revision),
    ...(verify === undefined ? {} : { verify: verify.verify }),
    ...(loadedPolicy === undefined ? {} : { policy: loadedPolicy.status }),
    manifestDir: config.manifestDir,
    absentConfirmMs: config.absentConfirmMs,
    coalesceMs: config.coalesceMs,
    lock: {
      ensureHeld: async () => {
        const held = await lock.ensureHeld();
        if (held.state !== "held") await hooks.onDirectoryRecreated?.();
        return held;
      },
    },
    // One observer for the daemon's life: foreign files are remembered between reconciles.
    observer: new DirectoryObserver({ log: (event, fields) => log.warn(event, fields) }),
    record,
    log,
    metrics,
    readiness,
    saveState,
    signal: stopping.signal,
  });
  const release = (): Promise<void> => lock.release();
  const setPolicy = (policy: Policy): void => { resolveNow = resolverFor(policy); };
  const value: Prepared = { lock, sourceName: source.name, loop, metrics, served, readiness, stopping, setPolicy, onRecorded, release };
  if (loadedPolicy !== undefined) value.policy = loadedPolicy.policy;
  return { ok: true, value };
}
