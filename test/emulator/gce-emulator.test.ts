// The GCE emulator speaks the protocol well enough for Google's own client, gcp-metadata.
import * as gcpMetadata from "gcp-metadata";
import { writeFileSync } from "node:fs";
import { writeFile, rename } from "node:fs/promises";
import { setTimeout as pause } from "node:timers/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulatorFixture, type EmulatorFixture } from "./emulator-fixture.js";

const FLAVOR = { "Metadata-Flavor": "Google" };

describe("GCE emulator", () => {
  let fixture: EmulatorFixture;
  let base: string;

  beforeEach(async () => {
    fixture = await startEmulatorFixture("gce", "pods: v1\n");
    base = `${fixture.emulator.url}/computeMetadata/v1`;
    // gcp-metadata reads the variable at call time (setting it is acceptable in tests only).
    process.env.GCE_METADATA_HOST = fixture.emulator.env.GCE_METADATA_HOST;
  });
  afterEach(async () => {
    delete process.env.GCE_METADATA_HOST;
    await fixture.close();
  });

  it("prints the client's variable as host:port", () => {
    expect(fixture.emulator.env.GCE_METADATA_HOST).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("serves instance and project attributes to gcp-metadata", async () => {
    await fixture.admin("PUT", "project/attributes/fleet", "project-wide\n");
    expect(await gcpMetadata.instance("attributes/kube-pods")).toBe("pods: v1\n");
    expect(await gcpMetadata.project("attributes/fleet")).toBe("project-wide\n");
    expect(await gcpMetadata.project("project-id")).toBe("rower-project");
  });

  it("wakes gcp-metadata's wait_for_change when the served file is replaced", async () => {
    const first = await fetch(`${base}/instance/attributes/kube-pods`, { headers: FLAVOR });
    const etag = first.headers.get("etag") ?? "";
    const waiting = gcpMetadata.instance({
      property: "attributes/kube-pods",
      params: { wait_for_change: "true", last_etag: etag, timeout_sec: "60" },
    });
    // Only edit once the long poll is parked in the emulator, so the wake-up is what answers it.
    await waitUntil(() => fixture.emulator.state.notifier.waiting > 0);
    const temp = join(fixture.dir, ".pods.yaml.swp");
    await writeFile(temp, "pods: v2\n");
    await rename(temp, fixture.file);
    expect(await waiting).toBe("pods: v2\n");
  });

  it("never serves the empty file an in-place save passes through (truncate, pause, write)", async () => {
    const url = `${base}/instance/attributes/kube-pods`;
    const served: string[] = [];
    const follow = async (): Promise<void> => {
      let etag = "NONE";
      for (;;) {
        const response = await fetch(`${url}?wait_for_change=true&last_etag=${etag}&timeout_sec=60`, { headers: FLAVOR });
        const text = await response.text();
        served.push(response.status === 200 ? text : `status ${response.status}`);
        if (text === "pods: v2\n") return;
        etag = response.headers.get("etag") ?? "NONE";
      }
    };
    const following = follow();
    await waitUntil(() => fixture.emulator.state.notifier.waiting > 0);
    // `cat good.yaml > pods.yaml` by a slow writer: the file is empty between the two steps.
    // The pause is the writer's, not a wait for a result: nothing below depends on its length.
    writeFileSync(fixture.file, "");
    await pause(100);
    writeFileSync(fixture.file, "pods: v2\n");
    await following;
    expect(served).toEqual(["pods: v1\n", "pods: v2\n"]);
  });

  const cases: Array<{ desc: string; path: string; headers: Record<string, string>; status: number; body?: string; contentType?: RegExp }> = [
    { desc: "403 without the flavor header", path: "/instance/attributes/kube-pods", headers: {}, status: 403 },
    { desc: "404 for a missing key", path: "/instance/attributes/nope", headers: FLAVOR, status: 404 },
    { desc: "text value by default", path: "/instance/attributes/kube-pods", headers: FLAVOR, status: 200, body: "pods: v1\n" },
    { desc: "alt=json quotes a value", path: "/instance/attributes/kube-pods?alt=json", headers: FLAVOR, status: 200, body: JSON.stringify("pods: v1\n") },
    { desc: "a directory lists its keys", path: "/instance/attributes/", headers: FLAVOR, status: 200, body: "kube-pods\n" },
    { desc: "recursive=true gives the directory as JSON", path: "/instance/attributes/?recursive=true", headers: FLAVOR, status: 200, body: JSON.stringify({ "kube-pods": "pods: v1\n" }) },
    { desc: "recursive alt=text gives key value lines", path: "/project/?recursive=true&alt=text", headers: FLAVOR, status: 200, body: "numeric-project-id 123456789012\nproject-id rower-project\n" },
    { desc: "400 for a bad timeout_sec", path: "/instance/attributes/kube-pods?wait_for_change=true&timeout_sec=x", headers: FLAVOR, status: 400 },
  ];
  for (const c of cases) {
    it(`answers ${c.desc}, always with Metadata-Flavor: Google`, async () => {
      const response = await fetch(`${base}${c.path}`, { headers: c.headers });
      expect(response.status).toBe(c.status);
      expect(response.headers.get("metadata-flavor")).toBe("Google");
      const text = await response.text();
      if (c.body !== undefined) expect(text).toBe(c.body);
    });
  }

  it("answers a stale last_etag at once and a current one after timeout_sec with the same ETag", async () => {
    const first = await fetch(`${base}/instance/attributes/?recursive=true`, { headers: FLAVOR });
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^[0-9a-f]{16}$/);
    const stale = await fetch(`${base}/instance/attributes/?recursive=true&wait_for_change=true&last_etag=0000&timeout_sec=60`, { headers: FLAVOR });
    expect(stale.headers.get("etag")).toBe(etag);
    const timedOut = await fetch(`${base}/instance/attributes/?recursive=true&wait_for_change=true&last_etag=${etag}&timeout_sec=1`, { headers: FLAVOR });
    expect(timedOut.status).toBe(200);
    expect(timedOut.headers.get("etag")).toBe(etag);
  });

  it("wakes a directory long poll when a key appears through the admin API", async () => {
    const first = await fetch(`${base}/instance/attributes/?recursive=true`, { headers: FLAVOR });
    const etag = first.headers.get("etag") ?? "";
    const waiting = fetch(`${base}/instance/attributes/?recursive=true&wait_for_change=true&last_etag=${etag}&timeout_sec=60`, { headers: FLAVOR });
    await waitUntil(() => fixture.emulator.state.notifier.waiting > 0);
    await fixture.admin("PUT", "instance/attributes/extra", "x");
    const changed = await waiting;
    expect(await changed.json()).toEqual({ extra: "x", "kube-pods": "pods: v1\n" });
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  it("keeps the time of the last change for in-process callers (the daemon bench times edits from it)", async () => {
    const before = performance.now();
    await fixture.admin("PUT", "instance/attributes/kube-pods", "pods: v2\n");
    const changedAt = fixture.emulator.state.notifier.lastChangeAt ?? NaN;
    expect(changedAt).toBeGreaterThanOrEqual(before);
    expect(changedAt).toBeLessThanOrEqual(performance.now());
  });
});

/** Polls an in-process condition on the event loop; the test timeout fails a hang. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
