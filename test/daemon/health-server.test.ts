import { afterEach, describe, expect, it } from "vitest";
import { createDaemonMetrics, recordAppliedRevision } from "../../src/daemon/daemon-metrics.js";
import { startHealthServer, type HealthServer } from "../../src/daemon/health-server.js";
import { ReadinessTracker } from "../../src/daemon/readiness.js";

describe("health server", () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(tracker: ReadinessTracker) {
    const metrics = await createDaemonMetrics();
    const result = await startHealthServer({ address: { host: "127.0.0.1", port: 0 }, readiness: () => tracker.current(), registry: metrics.registry });
    if (!result.ok) throw new Error(result.message);
    server = result.server;
    return { url: result.server.url, metrics };
  }

  it("answers healthz, readyz transitions and metrics", async () => {
    const tracker = new ReadinessTracker();
    const { url, metrics } = await start(tracker);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const before = await fetch(`${url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ ready: false, reason: "no-sync-yet" });

    tracker.recordSyncSucceeded("r1");
    metrics.syncs.inc({ result: "applied" });
    recordAppliedRevision(metrics, "gce", "r1");
    recordAppliedRevision(metrics, "gce", "r2");
    const after = await fetch(`${url}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ ready: true, revision: "r1" });

    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('rower_syncs_total{result="applied"} 1');
    expect(text).toContain('rower_source_revision_info{source="gce",revision="r2"} 1');
    expect(text).not.toContain('revision="r1"');
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
  });

  it("two daemons' metrics do not collide in one process", async () => {
    const a = await createDaemonMetrics();
    const b = await createDaemonMetrics();
    a.driftRepairs.inc();
    expect(a.registry).not.toBe(b.registry);
  });

  it("reports a port it cannot bind as a value", async () => {
    const tracker = new ReadinessTracker();
    const { url } = await start(tracker);
    const port = Number(new URL(url).port);
    const second = await startHealthServer({ address: { host: "127.0.0.1", port }, readiness: () => tracker.current(), registry: (await createDaemonMetrics()).registry });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.message).toContain(`127.0.0.1:${port}`);
  });
});
