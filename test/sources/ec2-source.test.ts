// rower's EC2 source against the EC2 emulator: the IMDSv2 token flow (cache, renewal before
// expiry and after a 401, v1 only by opt-in), the tag pointer that wins over user-data,
// user-data shapes, and every error kind as a value.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { Ec2Source, EC2_MAX_USER_DATA_BYTES } from "../../src/sources/ec2.js";
import type { SourceOptions } from "../../src/sources/source-options.js";
import { startEmulatorFixture, type EmulatorFixture } from "../emulator/emulator-fixture.js";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.js";
import { text, watchSource, type WatchCursor } from "./watch-cursor.js";

const signal = new AbortController().signal;
const SPEC = "apiVersion: v1\nkind: Pod\n";
const TAG_SPEC = "apiVersion: v1\nkind: Pod\nmetadata: {name: from-tag}\n";

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

describe("EC2 source", () => {
  let fixture: EmulatorFixture | undefined;
  let server: LoopbackServer | undefined;
  let cursor: WatchCursor | undefined;
  afterEach(async () => {
    await cursor?.stop();
    await fixture?.close();
    await server?.close();
    cursor = undefined;
    fixture = undefined;
    server = undefined;
  });

  async function setUp(userData: string | Buffer | undefined, options: SourceOptions = {}): Promise<{ fx: EmulatorFixture; source: Ec2Source }> {
    fixture = await startEmulatorFixture("ec2", userData);
    return { fx: fixture, source: new Ec2Source({ ec2MetadataEndpoint: fixture.emulator.url, ...options }) };
  }

  async function serveSpec(body: string): Promise<LoopbackServer> {
    server = await startLoopbackServer((req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { etag: '"v1"' }).end(body);
    });
    return server;
  }

  it("reads raw user-data through a session token", async () => {
    const { fx, source } = await setUp(SPEC);
    const payload = await source.read(signal);
    expect({ kind: payload.kind, source: payload.source, text: text(payload) }).toEqual({ kind: "present", source: "ec2:user-data(raw)", text: SPEC });
    const seen = await fx.requests();
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(["PUT /latest/api/token", "GET /latest/meta-data/tags/instance/kube-pods", "GET /latest/user-data"]);
    expect(seen.filter((r) => r.method === "GET").every((r) => typeof r.headers["x-aws-ec2-metadata-token"] === "string")).toBe(true);
  });

  it("reads absent when there is no user-data", async () => {
    const { source } = await setUp(undefined);
    expect(await source.read(signal)).toMatchObject({ kind: "absent" });
  });

  it("finds the spec inside Ignition user-data at the configured path", async () => {
    const config = { ignition: { version: "3.3.0" }, storage: { files: [{ path: "/opt/pods.yaml", contents: { source: `data:,${encodeURIComponent(SPEC)}` } }] } };
    const { source } = await setUp(JSON.stringify(config), { ignitionPath: "/opt/pods.yaml" });
    const payload = await source.read(signal);
    expect({ source: payload.source, text: text(payload) }).toEqual({ source: "ec2:user-data(ignition)", text: SPEC });
  });

  it("reads absent from Ignition user-data without the file", async () => {
    const { source } = await setUp(JSON.stringify({ ignition: { version: "3.3.0" } }));
    expect(await source.read(signal)).toMatchObject({ kind: "absent", source: "ec2:user-data(ignition)" });
  });

  it("caches the token across reads and renews it shortly before it expires", async () => {
    let now = 1_000_000;
    const { fx, source } = await setUp(SPEC, { ec2TokenTtlSec: 120, now: () => now });
    const tokenPuts = async (): Promise<number> => (await fx.requests()).filter((r) => r.method === "PUT").length;
    await source.read(signal);
    now += 100_000;
    await source.read(signal);
    expect(await tokenPuts()).toBe(1);
    now += 10_000; // 110 s into a 120 s token: inside the renewal margin.
    await source.read(signal);
    expect(await tokenPuts()).toBe(2);
    const ttls = (await fx.requests()).filter((r) => r.method === "PUT").map((r) => r.headers["x-aws-ec2-metadata-token-ttl-seconds"]);
    expect(ttls).toEqual(["120", "120"]);
  });

  it("renews the token after a 401 and succeeds", async () => {
    const { fx, source } = await setUp(SPEC);
    await source.read(signal);
    await fx.admin("POST", "expire-tokens");
    expect(text(await source.read(signal))).toBe(SPEC);
    expect((await fx.requests()).filter((r) => r.method === "PUT")).toHaveLength(2);
  });

  it("uses IMDSv1 only when allowed and the token PUT is refused", async () => {
    const refused = await setUp(SPEC);
    await refused.fx.admin("POST", "faults", JSON.stringify({ status: 403, count: 1 }));
    expect(await refused.source.read(signal)).toMatchObject({ kind: "error", errorKind: "http-status", status: 403 });
    await refused.fx.close();

    const { fx, source } = await setUp(SPEC, { imdsv1: true });
    await fx.admin("PUT", "imdsv1", "true");
    await fx.admin("POST", "faults", JSON.stringify({ status: 403, count: 1 }));
    expect(text(await source.read(signal))).toBe(SPEC);
    const gets = (await fx.requests()).filter((r) => r.method === "GET");
    expect(gets.every((r) => r.headers["x-aws-ec2-metadata-token"] === undefined)).toBe(true);
  });

  it("contacts nothing when EC2 metadata is disabled", async () => {
    const { fx, source } = await setUp(SPEC, { ec2MetadataDisabled: true });
    expect(await source.read(signal)).toMatchObject({ kind: "error", errorKind: "protocol" });
    expect(await fx.requests()).toEqual([]);
  });

  it("follows the instance tag's pinned URL, which wins over user-data", async () => {
    const { fx, source } = await setUp(SPEC);
    const spec = await serveSpec(TAG_SPEC);
    await fx.admin("PUT", "tags/kube-pods", `url:${spec.url}/pods.yaml#sha256=${sha256(TAG_SPEC)}`);
    const payload = await source.read(signal);
    expect({ source: payload.source, text: text(payload) }).toEqual({ source: "ec2:tag/kube-pods", text: TAG_SPEC });
  });

  const tagErrors: Array<{ desc: string; tag: (url: string) => string }> = [
    { desc: "a digest that does not match", tag: (url) => `url:${url}/pods.yaml#sha256=${sha256("other")}` },
    { desc: "no sha256 pin", tag: (url) => `url:${url}/pods.yaml` },
    { desc: "no url: prefix", tag: (url) => `${url}/pods.yaml#sha256=${sha256(TAG_SPEC)}` },
    { desc: "plain http to a remote host", tag: () => `url:http://example.com/pods.yaml#sha256=${sha256(TAG_SPEC)}` },
  ];
  for (const c of tagErrors) {
    it(`refuses a tag with ${c.desc} as a protocol error`, async () => {
      const { fx, source } = await setUp(SPEC);
      const spec = await serveSpec(TAG_SPEC);
      await fx.admin("PUT", "tags/kube-pods", c.tag(spec.url));
      expect(await source.read(signal)).toMatchObject({ kind: "error", errorKind: "protocol", source: "ec2:tag/kube-pods" });
    });
  }

  it("refuses a tag value past 1024 bytes as too-large, saying a tag holds a url:…#sha256= pointer", async () => {
    server = await startLoopbackServer((req, res) => {
      if (req.method === "PUT") res.writeHead(200).end("AQAEtoken");
      else res.writeHead(200).end(`apiVersion: v1\nkind: Pod\n${"#".repeat(2000)}\n`);
    });
    const result = await new Ec2Source({ ec2MetadataEndpoint: server.url }).read(signal);
    expect(result).toMatchObject({ kind: "error", errorKind: "too-large", source: "ec2:tag/kube-pods" });
    expect(result.kind === "error" && result.message).toMatch(/a tag holds url:<https URL>#sha256=<hex>, a pointer to the pods file/);
  });

  const errorCases: Array<{ desc: string; userData?: string; faults?: object; errorKind: string; status?: number }> = [
    { desc: "user-data over 16 KiB", userData: "x".repeat(EC2_MAX_USER_DATA_BYTES + 1), errorKind: "too-large" },
    { desc: "a 503 on the token PUT", faults: { status: 503, count: 1 }, errorKind: "http-status", status: 503 },
    { desc: "two resets", faults: { reset: 2 }, errorKind: "unreachable" },
    { desc: "a truncated token", faults: { truncate: 1 }, errorKind: "protocol" },
  ];
  for (const c of errorCases) {
    it(`returns ${c.errorKind} as a value for ${c.desc}`, async () => {
      const { fx, source } = await setUp(c.userData ?? SPEC);
      if (c.faults !== undefined) await fx.admin("POST", "faults", JSON.stringify(c.faults));
      expect(await source.read(signal)).toMatchObject({ kind: "error", errorKind: c.errorKind, ...(c.status === undefined ? {} : { status: c.status }) });
    });
  }

  const badTokens: Array<{ desc: string; body: string }> = [
    { desc: "an empty body", body: "" },
    { desc: "only whitespace", body: " \r\n" },
    { desc: "two lines", body: "AQAE-first\nsecond" },
    { desc: "a space inside", body: "AQAE first" },
    { desc: "a control character", body: "AQAE\u0001x" },
    { desc: "non-ASCII", body: "AQAE-tok\u00e9n" },
    { desc: "an over-long body", body: "A".repeat(2000) },
  ];
  for (const c of badTokens) {
    it(`returns protocol, sending nothing more, for a 200 token PUT with ${c.desc}`, async () => {
      server = await startLoopbackServer((req, res) => {
        res.writeHead(200, { "content-type": "text/plain" }).end(req.method === "PUT" ? c.body : SPEC);
      });
      const source = new Ec2Source({ ec2MetadataEndpoint: server.url });
      const result = await source.read(signal);
      expect(result).toMatchObject({ kind: "error", errorKind: "protocol", status: 200 });
      expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["PUT /latest/api/token"]);
    });
  }

  it("returns timeout as a value for a slow IMDS", async () => {
    const { fx, source } = await setUp(SPEC, { requestTimeoutMs: 200 });
    await fx.admin("POST", "faults", JSON.stringify({ delayMs: 2000 }));
    expect(await source.read(signal)).toMatchObject({ kind: "error", errorKind: "timeout" });
  });

  it("polls: a poll with the same user-data is a contact", async () => {
    const { source } = await setUp(SPEC, { pollIntervalMs: 20 });
    cursor = watchSource(source);
    expect(text(await cursor.next())).toBe(SPEC);
    expect(await cursor.nextItem()).toEqual({ kind: "contact", source: "ec2:user-data" });
  });

  it("polls: yields user-data, then the tag's spec once the tag is set, then user-data when it is removed", async () => {
    const { fx, source } = await setUp(SPEC, { pollIntervalMs: 20 });
    const spec = await serveSpec(TAG_SPEC);
    cursor = watchSource(source);
    expect(text(await cursor.next())).toBe(SPEC);
    await fx.admin("PUT", "tags/kube-pods", `url:${spec.url}/pods.yaml#sha256=${sha256(TAG_SPEC)}`);
    expect(text(await cursor.next())).toBe(TAG_SPEC);
    await fx.admin("DELETE", "tags/kube-pods");
    expect(text(await cursor.next())).toBe(SPEC);
  });
});
