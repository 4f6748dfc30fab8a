// Injected faults meet metadata requests only (never the admin API that clears them), each
// kind limited by its count, optionally only under one path prefix; HEAD answers like GET.
import { request } from "node:http";
import { connect } from "node:net";
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

/** One GET over a raw socket: the head and the body bytes exactly as sent, read until the server closes. */
function rawGet(url: string, path: string): Promise<{ status: string; headers: Record<string, string>; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nMetadata-Flavor: Google\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
      resolve({ status: statusLine, headers, body: all.subarray(split + 4) });
    });
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
    { desc: "chunked truncations", faults: { truncateChunked: 5 } },
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

  const VALUE = "value: 0123456789\n"; // 18 bytes; half is 9
  const framingCases: Array<{ desc: string; faults: object; expect: { contentLength?: string; transferEncoding?: string; body: string } }> = [
    { desc: "truncate: Content-Length of the whole, half the body", faults: { truncate: 1 }, expect: { contentLength: "18", body: VALUE.slice(0, 9) } },
    { desc: "truncateChunked: half the body in one chunk, no terminator", faults: { truncateChunked: 1 }, expect: { transferEncoding: "chunked", body: `9\r\n${VALUE.slice(0, 9)}\r\n` } },
    { desc: "unframed: the whole body delimited by the close", faults: { unframed: 1 }, expect: { body: VALUE } },
    { desc: "truncateUnframed: half the body delimited by the close", faults: { truncateUnframed: 1 }, expect: { body: VALUE.slice(0, 9) } },
  ];
  for (const c of framingCases) {
    it(`sends ${c.desc}, then closes`, async () => {
      fixture = await startEmulatorFixture("gce", VALUE);
      await fixture.admin("POST", "faults", JSON.stringify(c.faults));
      const answer = await rawGet(fixture.emulator.url, INSTANCE);
      expect({
        status: answer.status,
        contentLength: answer.headers["content-length"],
        transferEncoding: answer.headers["transfer-encoding"],
        flavor: answer.headers["metadata-flavor"],
        connection: answer.headers.connection,
        body: answer.body.toString("latin1"),
      }).toEqual({ status: "HTTP/1.1 200 OK", flavor: "Google", connection: "close", contentLength: undefined, transferEncoding: undefined, ...c.expect });
      // The count is spent: the next answer is framed and whole.
      expect(await getOutcome(`${fixture.emulator.url}${INSTANCE}`)).toEqual({ status: 200, body: VALUE });
    });
  }

  it("ignoreWaitForChange answers a long poll at once with the unchanged value and ETag, under its path only", async () => {
    fixture = await startEmulatorFixture("gce", "v\n");
    const directory = (scope: string, query = ""): string => `${fixture?.emulator.url}/computeMetadata/v1/${scope}/attributes/?recursive=true${query}`;
    const etag = (await fetch(directory("instance"), { headers: FLAVOR })).headers.get("etag") ?? "";
    await fixture.admin("POST", "faults", JSON.stringify({ ignoreWaitForChange: true, path: "/computeMetadata/v1/instance/" }));
    const answer = await fetch(directory("instance", `&wait_for_change=true&last_etag=${etag}&timeout_sec=300`), { headers: FLAVOR });
    expect({ status: answer.status, etag: answer.headers.get("etag"), body: await answer.text() }).toEqual({ status: 200, etag, body: JSON.stringify({ "kube-pods": "v\n" }) });
    // The project scope still long-polls: it is parked until a change.
    const projectEtag = (await fetch(directory("project"), { headers: FLAVOR })).headers.get("etag") ?? "";
    const parked = fetch(directory("project", `&wait_for_change=true&last_etag=${projectEtag}&timeout_sec=300`), { headers: FLAVOR });
    while (fixture.emulator.state.notifier.waiting < 1) await new Promise((resolve) => setImmediate(resolve));
    await fixture.admin("PUT", "project/attributes/k", "changed");
    expect((await parked).headers.get("etag")).not.toBe(projectEtag);
  });

  const refusedCases: Array<{ desc: string; body: string; lines: RegExp[] }> = [
    { desc: "not JSON", body: "{status: 503}", lines: [/^body is not JSON$/] },
    {
      desc: "every bad field at once",
      body: JSON.stringify({ status: 42, reset: -1, truncate: 1.5, ignoreWaitForChange: "yes", path: "computeMetadata", bogus: 1 }),
      lines: [/^status: /, /^reset: /, /^truncate: /, /^ignoreWaitForChange: /, /^path: /, /^body: .*"bogus"/],
    },
  ];
  for (const c of refusedCases) {
    it(`refuses a faults body that is ${c.desc}, naming every issue, and arms nothing`, async () => {
      fixture = await startEmulatorFixture("gce", "v\n");
      const response = await fetch(`${fixture.emulator.url}/_emulator/faults`, { method: "POST", body: c.body });
      const lines = (await response.text()).trimEnd().split("\n");
      expect(response.status).toBe(400);
      expect(lines).toHaveLength(c.lines.length);
      c.lines.forEach((pattern, index) => expect(lines[index]).toMatch(pattern));
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
