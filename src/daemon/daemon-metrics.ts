// The daemon's Prometheus metrics, on a Registry of its own: two daemons can share a process.
// Only `--listen` serves them, so without it the daemon records into no-ops and never loads
// prom-client (its import is a measurable part of `run --once` and of idle RSS).
import type { Registry } from "prom-client";

interface CounterLike<L extends string> {
  inc(labels: Partial<Record<L, string>>): void;
  inc(): void;
}
interface GaugeLike<L extends string> {
  set(labels: Partial<Record<L, string>>, value: number): void;
  set(value: number): void;
  reset(): void;
}

export interface DaemonMetrics {
  syncs: CounterLike<"result">;
  sourceErrors: CounterLike<"kind">;
  managedPods: GaugeLike<never>;
  lastSuccessfulSync: GaugeLike<never>;
  sourceRevision: GaugeLike<"source" | "revision">;
  fetchSeconds: { observe(seconds: number): void };
  driftRepairs: CounterLike<never>;
  /** `--kubelet`: managed pods by the state the kubelet reports. */
  pods: GaugeLike<"state">;
}

export type ServedMetrics = DaemonMetrics & { registry: Registry };

export async function createDaemonMetrics(): Promise<ServedMetrics> {
  const { Counter, Gauge, Histogram, Registry } = await import("./prom-client.js");
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    syncs: new Counter({ name: "rower_syncs_total", help: "Syncs of the source by verdict (applied, unchanged, kept, invalid, conflict, failed).", labelNames: ["result"], registers }),
    sourceErrors: new Counter({ name: "rower_source_errors_total", help: "Source errors by kind.", labelNames: ["kind"], registers }),
    managedPods: new Gauge({ name: "rower_managed_pods", help: "Pod manifests rower keeps in the directory.", registers }),
    lastSuccessfulSync: new Gauge({
      name: "rower_last_successful_sync_timestamp_seconds", help: "Unix time of the last successful sync.", registers,
    }),
    sourceRevision: new Gauge({
      name: "rower_source_revision_info", help: "The source and revision last applied (value 1).",
      labelNames: ["source", "revision"], registers,
    }),
    fetchSeconds: new Histogram({
      name: "rower_source_fetch_duration_seconds", help: "Latency of full reads of the source.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    }),
    driftRepairs: new Counter({ name: "rower_drift_repairs_total", help: "Files restored after someone changed them.", registers }),
    pods: new Gauge({
      name: "rower_pods", help: "Managed pods by the state the kubelet reports (running, pending, terminated, not-taken, unknown); with --kubelet only.",
      labelNames: ["state"], registers,
    }),
  };
}

/** Without `--listen` nobody can read metrics: record into nothing. */
export function unservedMetrics(): DaemonMetrics {
  const counter = { inc() {} };
  const gauge = { set() {}, reset() {} };
  return {
    syncs: counter, sourceErrors: counter, managedPods: gauge, lastSuccessfulSync: gauge,
    sourceRevision: gauge, fetchSeconds: { observe() {} }, driftRepairs: counter, pods: gauge,
  };
}

/** Keeps exactly one revision series, so the info metric does not grow with every edit. */
export function recordAppliedRevision(metrics: DaemonMetrics, source: string, revision: string): void {
  metrics.sourceRevision.reset();
  metrics.sourceRevision.set({ source, revision }, 1);
}
