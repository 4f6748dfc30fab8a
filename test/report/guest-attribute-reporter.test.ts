// The guest-attribute reporter against the GCE emulator: a change of content is one PUT, an
// update with the same content is none, and the document is bounded.
import { afterEach, describe, expect, it } from "vitest";
import type { StateSnapshot } from "../../src/daemon/daemon-state.js";
import { startGuestAttributeReporter, type GuestAttributeReporter } from "../../src/report/guest-attribute-reporter.js";
import { MAX_STATUS_DOCUMENT_BYTES, renderStatusDocument, statusContent } from "../../src/report/status-document.js";
import { EventRecorder } from "../daemon/event-recorder.js";
import { startEmulatorFixture, type EmulatorFixture } from "../emulator/emulator-fixture.js";

const REVISION = `sha256:${"c".repeat(64)}+sig:${"d".repeat(16)}`;

function snapshot(pods: string[], result: "applied" | "invalid" = "applied"): StateSnapshot {
  return {
    source: "gce:instance/attributes/kube-pods", manifestDir: "/m", revision: REVISION, appliedRevision: REVISION,
    record: pods.map((name) => ({ file: `${name}.yaml`, sha256: "0".repeat(64) })),
    pods: pods.map((name) => ({ pod: `default/${name}`, file: `${name}.yaml`, state: "pending" as const, reason: "ImagePullBackOff" })),
    lastSync: { time: new Date("2026-01-01T00:00:00Z"), result },
    ...(result === "invalid" ? { lastError: { time: new Date("2026-01-01T00:00:00Z"), message: `revision x is invalid: ${"y".repeat(1000)}` } } : {}),
  };
}

describe("guest-attribute reporter", () => {
  let fx: EmulatorFixture | undefined;
  let stop: AbortController | undefined;
  let reporter: GuestAttributeReporter | undefined;
  afterEach(async () => {
    stop?.abort();
    await reporter?.done;
    await fx?.close();
    fx = undefined;
  });

  it("writes on a change of content only", async () => {
    fx = await startEmulatorFixture("gce", "pods\n");
    await fx.admin("PUT", "instance/attributes/enable-guest-attributes", "TRUE");
    const recorder = new EventRecorder();
    const log = { debug: (event: string, fields?: object) => recorder.push(JSON.stringify({ event, ...fields })), info: (event: string, fields?: object) => recorder.push(JSON.stringify({ event, ...fields })), warn: (event: string, fields?: object) => recorder.push(JSON.stringify({ event, ...fields })), error: () => {} };
    stop = new AbortController();
    reporter = startGuestAttributeReporter({ endpoint: fx.emulator.url, nodeName: "node-1", log, signal: stop.signal, minIntervalMs: 0, settleMs: 0 });
    const puts = async (): Promise<number> => (await fx?.requests() ?? []).filter((r) => r.method === "PUT").length;

    reporter.update(snapshot(["a"]));
    await recorder.next("report.published");
    let mark = recorder.mark();
    reporter.update(snapshot(["a"]));
    await recorder.next("report.unchanged", mark);
    expect(await puts()).toBe(1);

    mark = recorder.mark();
    reporter.update(snapshot(["a", "b"]));
    expect(await recorder.next("report.published", mark)).toMatchObject({ pods: 2 });
    expect(await puts()).toBe(2);
    const written = JSON.parse(JSON.parse(await fx.admin("GET", "guest-attributes")).rower.status);
    expect(written).toMatchObject({
      version: 1, node: "node-1", appliedRevision: REVISION, digest: `sha256:${"c".repeat(64)}`,
      pods: [{ pod: "default/a", state: "pending", reason: "ImagePullBackOff" }, { pod: "default/b", state: "pending", reason: "ImagePullBackOff" }],
    });
  });

  it("the document stays within its bound: pods past it are counted, messages clipped", () => {
    const many = Array.from({ length: 500 }, (_, i) => `pod-with-a-rather-long-name-${i}`);
    const text = renderStatusDocument(statusContent(snapshot(many, "invalid"), "node-1"), new Date());
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_STATUS_DOCUMENT_BYTES);
    const document = JSON.parse(text) as { pods: unknown[]; podsOmitted: number; lastError: string };
    expect(document.pods.length + document.podsOmitted).toBe(500);
    expect(document.lastError.length).toBeLessThan(400);
  });
});
