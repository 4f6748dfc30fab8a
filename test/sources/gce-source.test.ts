// rower's GCE source against the GCE emulator over loopback: reads, fallback, long-poll
// watching (values, keys appearing and vanishing), and every error kind as a value.
import { describe, expect, it } from "vitest";
import { GceSource, GCE_MAX_VALUE_BYTES } from "../../src/sources/gce.js";
import type { SourceOptions } from "../../src/sources/source-options.js";
import type { EmulatorFixture } from "../emulator/emulator-fixture.js";
import { useEmulatorScope } from "./emulator-scope.js";
import { closedPort, startLoopbackServer } from "./loopback-server.js";
import { text } from "./watch-cursor.js";

const signal = new AbortController().signal;

describe("GCE source", () => {
  const scope = useEmulatorScope();

  async function setUp(value: string | undefined, options: SourceOptions = {}): Promise<{ fx: EmulatorFixture; source: GceSource }> {
    const fixture = await scope.start("gce", value);
    return { fx: fixture, source: new GceSource({ gceMetadataHost: fixture.emulator.env.GCE_METADATA_HOST, ...options }) };
  }

  const readCases: Array<{ desc: string; instance?: string; project?: string; fallback: boolean; expect: { kind: string; source: string; text?: string } }> = [
    { desc: "instance value", instance: "i\n", project: "p\n", fallback: true, expect: { kind: "present", source: "gce:instance/attributes/kube-pods", text: "i\n" } },
    { desc: "project fallback", project: "p\n", fallback: true, expect: { kind: "present", source: "gce:project/attributes/kube-pods", text: "p\n" } },
    { desc: "fallback turned off", project: "p\n", fallback: false, expect: { kind: "absent", source: "gce:instance/attributes/kube-pods" } },
    { desc: "absent everywhere", fallback: true, expect: { kind: "absent", source: "gce:instance/attributes/kube-pods" } },
    { desc: "empty value is present, not absent", instance: "", fallback: true, expect: { kind: "present", source: "gce:instance/attributes/kube-pods", text: "" } },
  ];
  for (const c of readCases) {
    it(`reads: ${c.desc}`, async () => {
      const { fx, source } = await setUp(undefined, { projectFallback: c.fallback });
      if (c.instance !== undefined) await fx.admin("PUT", "instance/attributes/kube-pods", c.instance);
      if (c.project !== undefined) await fx.admin("PUT", "project/attributes/kube-pods", c.project);
      const payload = await source.read(signal);
      expect({ kind: payload.kind, source: payload.source }).toEqual({ kind: c.expect.kind, source: c.expect.source });
      if (c.expect.text !== undefined) expect(text(payload)).toBe(c.expect.text);
    });
  }

  it("sends Metadata-Flavor: Google and contacts only the configured endpoint", async () => {
    const { fx, source } = await setUp("v\n");
    await source.read(signal);
    const seen = await fx.requests();
    expect(seen.map((r) => r.path)).toEqual(["/computeMetadata/v1/instance/attributes/kube-pods"]);
    expect(seen[0]?.headers["metadata-flavor"]).toBe("Google");
    expect(seen[0]?.headers["x-forwarded-for"]).toBeUndefined();
  });

  const errorCases: Array<{ desc: string; faults?: object; value?: string; options?: SourceOptions; errorKind: string; status?: number }> = [
    { desc: "a 503", faults: { status: 503, count: 1 }, errorKind: "http-status", status: 503 },
    { desc: "a 429", faults: { status: 429, count: 1 }, errorKind: "http-status", status: 429 },
    { desc: "two resets (one immediate retry only)", faults: { reset: 2 }, errorKind: "unreachable" },
    { desc: "a slow answer", faults: { delayMs: 2000 }, options: { requestTimeoutMs: 200 }, errorKind: "timeout" },
    { desc: "a truncated body", faults: { truncate: 1 }, errorKind: "protocol" },
    { desc: "a value over 256 KiB", value: "x".repeat(GCE_MAX_VALUE_BYTES + 1), errorKind: "too-large" },
  ];
  for (const c of errorCases) {
    it(`returns ${c.errorKind} as a value for ${c.desc}`, async () => {
      const { fx, source } = await setUp(c.value ?? "v\n", c.options);
      if (c.faults !== undefined) await fx.admin("POST", "faults", JSON.stringify(c.faults));
      const result = await source.read(signal);
      expect(result).toMatchObject({ kind: "error", errorKind: c.errorKind, ...(c.status === undefined ? {} : { status: c.status }) });
    });
  }

  it("retries a single connection reset at once and succeeds", async () => {
    const { fx, source } = await setUp("v\n");
    await fx.admin("POST", "faults", JSON.stringify({ reset: 1 }));
    expect(text(await source.read(signal))).toBe("v\n");
  });

  it("returns unreachable for a closed port", async () => {
    const source = new GceSource({ gceMetadataHost: `127.0.0.1:${await closedPort()}` });
    expect(await source.read(signal)).toMatchObject({ kind: "error", errorKind: "unreachable" });
  });

  it("refuses an answer without Metadata-Flavor: Google as a protocol error", async () => {
    const impostor = await startLoopbackServer((_req, res) => res.end("pods: not-from-google\n"));
    try {
      const source = new GceSource({ endpoint: impostor.url });
      const result = await source.read(signal);
      expect(result).toMatchObject({ kind: "error", errorKind: "protocol" });
      expect(result.kind === "error" && result.message).toMatch(/Metadata-Flavor/);
    } finally {
      await impostor.close();
    }
  });

  const quotingCases: Array<{ desc: string; headers: Record<string, string>; body: string; message: RegExp }> = [
    { desc: "a directory answer that is not JSON", headers: { "Metadata-Flavor": "Google" }, body: "password: hunter2-do-not-log\n", message: /^attribute directory is not JSON: unexpected byte at byte 0 of 29$/ },
    { desc: "a directory answer cut inside a string", headers: { "Metadata-Flavor": "Google" }, body: '{"kube-pods": "password: hunter2-do-not-log', message: /^attribute directory is not JSON: unexpected end at byte 43 of 43$/ },
    { desc: "a wrong Metadata-Flavor value", headers: { "Metadata-Flavor": "hunter2-do-not-log" }, body: "{}", message: /got another value: not the metadata server/ },
  ];
  for (const c of quotingCases) {
    it(`says what is wrong with ${c.desc}, quoting none of the server's bytes`, async () => {
      const server = await startLoopbackServer((_req, res) => res.writeHead(200, c.headers).end(c.body));
      try {
        const cursor = scope.watch(new GceSource({ endpoint: server.url, projectFallback: false }));
        const result = await cursor.next();
        expect(result).toMatchObject({ kind: "error", errorKind: "protocol" });
        const message = result.kind === "error" ? result.message : "";
        expect(message).toMatch(c.message);
        expect(message).not.toContain("hunter2");
      } finally {
        await server.close();
      }
    });
  }

  it("yields the current value, then each edit of the served file within one long poll", async () => {
    const { fx, source } = await setUp("v1\n");
    const cursor = scope.watch(source);
    expect(text(await cursor.next())).toBe("v1\n");
    await fx.admin("PUT", "instance/attributes/kube-pods", "v2\n");
    expect(text(await cursor.next())).toBe("v2\n");
    // The project's long poll is still parked in the emulator.
    while (fx.emulator.state.notifier.waiting < 1) await new Promise((resolve) => setImmediate(resolve));
    const seen = await fx.requests();
    expect(seen.some((r) => /instance\/attributes\/\?.*wait_for_change=true.*last_etag=/.test(r.path))).toBe(true);
    expect(seen.some((r) => /project\/attributes\/\?.*wait_for_change=true/.test(r.path))).toBe(true);
  });

  it("does not yield when another key changes", async () => {
    const { fx, source } = await setUp("v1\n");
    const cursor = scope.watch(source);
    expect(text(await cursor.next())).toBe("v1\n");
    await fx.admin("PUT", "instance/attributes/unrelated", "x");
    await fx.admin("PUT", "instance/attributes/kube-pods", "v2\n");
    expect(text(await cursor.next())).toBe("v2\n");
  });

  it("sees the key vanish and appear, falling back to the project and back", async () => {
    const { fx, source } = await setUp("instance\n");
    const cursor = scope.watch(source);
    expect(await cursor.next()).toMatchObject({ kind: "present", source: "gce:instance/attributes/kube-pods" });
    await fx.admin("DELETE", "instance/attributes/kube-pods");
    expect(await cursor.next()).toMatchObject({ kind: "absent" });
    await fx.admin("PUT", "project/attributes/kube-pods", "project\n");
    const fromProject = await cursor.next();
    expect({ source: fromProject.source, text: text(fromProject) }).toEqual({ source: "gce:project/attributes/kube-pods", text: "project\n" });
    await fx.admin("PUT", "instance/attributes/kube-pods", "instance again\n");
    const fromInstance = await cursor.next();
    expect({ source: fromInstance.source, text: text(fromInstance) }).toEqual({ source: "gce:instance/attributes/kube-pods", text: "instance again\n" });
  });

  it("yields instance edits while the project scope keeps failing, and the project's error only once the instance key is gone", async () => {
    const { fx, source } = await setUp("v1\n");
    await fx.admin("POST", "faults", JSON.stringify({ status: 503, count: 1000, path: "/computeMetadata/v1/project/" }));
    const cursor = scope.watch(source);
    const first = await cursor.next();
    expect({ source: first.source, text: text(first) }).toEqual({ source: "gce:instance/attributes/kube-pods", text: "v1\n" });
    await fx.admin("PUT", "instance/attributes/kube-pods", "v2\n");
    expect(text(await cursor.next())).toBe("v2\n");
    await fx.admin("DELETE", "instance/attributes/kube-pods");
    expect(await cursor.next()).toMatchObject({ kind: "error", source: "gce:project/attributes/kube-pods", errorKind: "http-status", status: 503 });
    await fx.admin("PUT", "project/attributes/kube-pods", "project\n");
    await fx.admin("DELETE", "faults");
    const fromProject = await cursor.next();
    expect({ source: fromProject.source, text: text(fromProject) }).toEqual({ source: "gce:project/attributes/kube-pods", text: "project\n" });
  });

  it("yields an error as a value mid-watch, then the value again once the server recovers", async () => {
    const { fx, source } = await setUp("v1\n", { projectFallback: false });
    const cursor = scope.watch(source);
    expect(text(await cursor.next())).toBe("v1\n");
    // The watch sends its next long poll only when pulled, so the fault meets that poll.
    await fx.admin("POST", "faults", JSON.stringify({ status: 503, count: 1 }));
    expect(await cursor.next()).toMatchObject({ kind: "error", errorKind: "http-status", status: 503 });
    expect(text(await cursor.next())).toBe("v1\n");
    await fx.admin("PUT", "instance/attributes/kube-pods", "v2\n");
    expect(text(await cursor.next())).toBe("v2\n");
  });

  it("reports a too-large value seen by the watch", async () => {
    const { fx, source } = await setUp("v1\n", { projectFallback: false });
    const cursor = scope.watch(source);
    expect(text(await cursor.next())).toBe("v1\n");
    await fx.admin("PUT", "instance/attributes/kube-pods", "x".repeat(GCE_MAX_VALUE_BYTES + 1));
    expect(await cursor.next()).toMatchObject({ kind: "error", errorKind: "too-large" });
  });

  it("yields a contact from the scope whose long poll timed out with nothing new", async () => {
    const { source } = await setUp("v1\n", { projectFallback: false, gceWaitTimeoutSec: 1 });
    const cursor = scope.watch(source);
    expect(text(await cursor.next())).toBe("v1\n");
    expect(await cursor.nextItem()).toEqual({ kind: "contact", source: "gce:instance/attributes/kube-pods" });
  });

  it("ends the watch when the signal aborts, leaving no request parked", async () => {
    const { fx, source } = await setUp("v1\n");
    const controller = new AbortController();
    const iterator = source.watch(controller.signal)[Symbol.asyncIterator]();
    // Pull (the value, contacts) until both scopes' long polls are parked with a pull pending.
    let settled = true;
    let pending: Promise<IteratorResult<unknown>> = Promise.resolve({ done: false, value: undefined });
    while (settled || fx.emulator.state.notifier.waiting < 2) {
      if (settled) {
        settled = false;
        pending = iterator.next().finally(() => (settled = true));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    while (fx.emulator.state.notifier.waiting > 0) await new Promise((resolve) => setImmediate(resolve));
  });
});
