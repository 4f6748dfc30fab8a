// Injected faults meet metadata requests only (never the admin API that clears them), each
// kind limited by its count, optionally only under one path prefix; HEAD answers like GET.
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulatorFixture, type EmulatorFixture } from "./emulator-fixture.js";

const FLAVOR = { "Metadata-Flavor": "Google" };
const INSTANCE = "/computeMetadata/v1/instance/attributes/kube-pods";
const PROJECT = "/computeMetadata/v1/project/project-id";

/** One GET by node:http, so a reset or a truncated body is an outcome, not a retry. */
function getOutcome(url: string, signal?: AbortSignal): Promise<{ status: number; body: string } | { failed: string }> {
  return new Promise((resolve) => {
    const req = request(url, { headers: FLAVOR, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (err) => resolve({ failed: err.message }));
    });
    req.on("error", (err) => resolve({ failed: err.message }));
    req.end();
  });
}

describe("emulator faults", () => {
  let fixture: EmulatorFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  const adminCases: Array<{ desc: string; faults: object }> = [
    { desc: "a status", faults: { status: 503, count: 5 } },
    { desc: "resets", faults: { reset: 5 } },
    { desc: "truncations", faults: { truncate: 5 } },
  ];
  for (const c of adminCases) {
    it(`leaves the admin API alone while ${c.desc} is armed, and still faults the next metadata request`, async () => {
      fixture = await startEmulatorFixture("gce", "v\n");
      await fixture.admin("POST", "faults", JSON.stringify(c.faults));
      expect(JSON.parse(await fixture.admin("GET", "requests"))).toEqual([]);
      await fixture.admin("PUT", "project/attributes/x", "y");
      const outcome = await getOutcome(`${fixture.emulator.url}${INSTANCE}`);
      expect(outcome).not.toEqual({ status: 200, body: "v\n" });
      await fixture.admin("DELETE", "faults");
      expect(await getOutcome(`${fixture.emulator.url}${INSTANCE}`)).toEqual({ status: 200, body: "v\n" });
    });
  }

  it("limits a delay to count requests", async () => {
    fixture = await startEmulatorFixture("gce", "v\n");
    // A delay no test waits out: only the first request may meet it.
    await fixture.admin("POST", "faults", JSON.stringify({ delayMs: 600_000, count: 1 }));
    const stuck = new AbortController();
    const first = getOutcome(`${fixture.emulator.url}${INSTANCE}`, stuck.signal);
    expect(await getOutcome(`${fixture.emulator.url}${INSTANCE}`)).toEqual({ status: 200, body: "v\n" });
    stuck.abort();
    expect(await first).toHaveProperty("failed");
  });

  const pathCases: Array<{ desc: string; faults: object; instance: "ok" | "faulted"; project: "ok" | "faulted" }> = [
    { desc: "a status under the project prefix", faults: { status: 503, count: 10, path: "/computeMetadata/v1/project/" }, instance: "ok", project: "faulted" },
    { desc: "resets under the instance prefix", faults: { reset: 10, path: "/computeMetadata/v1/instance/" }, instance: "faulted", project: "ok" },
    { desc: "truncations under the project prefix", faults: { truncate: 10, path: "/computeMetadata/v1/project/" }, instance: "ok", project: "faulted" },
  ];
  for (const c of pathCases) {
    it(`applies ${c.desc} only there`, async () => {
      fixture = await startEmulatorFixture("gce", "v\n");
      await fixture.admin("POST", "faults", JSON.stringify(c.faults));
      const instance = await getOutcome(`${fixture.emulator.url}${INSTANCE}`);
      const project = await getOutcome(`${fixture.emulator.url}${PROJECT}`);
      const judge = (outcome: typeof instance, body: string): "ok" | "faulted" =>
        "status" in outcome && outcome.status === 200 && outcome.body === body ? "ok" : "faulted";
      expect({ instance: judge(instance, "v\n"), project: judge(project, "rower-project") }).toEqual({ instance: c.instance, project: c.project });
    });
  }

  const headCases: Array<{ kind: "gce" | "ec2" | "azure"; path: string; headers: Record<string, string> }> = [
    { kind: "gce", path: INSTANCE, headers: FLAVOR },
    { kind: "azure", path: "/metadata/instance/compute/userData?api-version=2021-01-01&format=text", headers: { Metadata: "true" } },
  ];
  for (const c of headCases) {
    it(`${c.kind}: answers HEAD on a metadata path like GET, without a body`, async () => {
      fixture = await startEmulatorFixture(c.kind, "v\n");
      const head = await fetch(`${fixture.emulator.url}${c.path}`, { method: "HEAD", headers: c.headers });
      const get = await fetch(`${fixture.emulator.url}${c.path}`, { headers: c.headers });
      expect({ status: head.status, length: head.headers.get("content-length"), body: await head.text() }).toEqual({
        status: 200,
        length: get.headers.get("content-length"),
        body: "",
      });
    });
  }
});
