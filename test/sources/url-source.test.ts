// url:URL polling with If-None-Match/ETag and the optional #sha256 pin, over loopback.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { parsePinnedUrl } from "../../src/sources/pinned-url.js";
import { UrlSource } from "../../src/sources/url.js";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.js";
import { text, watchSource, type WatchCursor } from "./watch-cursor.js";

const signal = new AbortController().signal;

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

describe("url source", () => {
  let server: LoopbackServer | undefined;
  let cursor: WatchCursor | undefined;
  afterEach(async () => {
    await cursor?.stop();
    await server?.close();
    cursor = undefined;
    server = undefined;
  });

  /** Serves `current.body` with an ETag derived from it; answers 304 to a matching If-None-Match. */
  async function serve(current: { body: string; status?: number; headers?: Record<string, string> }): Promise<LoopbackServer> {
    server = await startLoopbackServer((req, res) => {
      const etag = `"${sha256(current.body).slice(0, 8)}"`;
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(current.status ?? 200, { etag, ...current.headers }).end(current.body);
    });
    return server;
  }

  const specCases: Array<{ spec: string; expect: object | string }> = [
    { spec: "https://h/p.yaml", expect: { url: "https://h/p.yaml" } },
    { spec: `https://h/p.yaml#sha256=${"A".repeat(64)}`, expect: { url: "https://h/p.yaml", sha256: "a".repeat(64) } },
    { spec: "https://h/p.yaml#sha256=abc", expect: "fragment" },
    { spec: "ftp://h/p.yaml", expect: "scheme" },
    { spec: "not a url", expect: "not a URL" },
  ];
  for (const c of specCases) {
    it(`parses ${c.spec}`, () => {
      const parsed = parsePinnedUrl(c.spec);
      if (typeof c.expect === "string") expect(parsed).toContain(c.expect);
      else expect(parsed).toEqual(c.expect);
    });
  }

  it("reads the body and never sends the pin", async () => {
    const s = await serve({ body: "pods: 1\n" });
    const source = new UrlSource(`${s.url}/pods.yaml#sha256=${sha256("pods: 1\n")}`, {});
    expect(text(await source.read(signal))).toBe("pods: 1\n");
    expect(s.requests[0]?.url).toBe("/pods.yaml");
  });

  const errorCases: Array<{ desc: string; current: { body: string; status?: number; headers?: Record<string, string> }; pin?: string; maxBytes?: number; errorKind: string; status?: number }> = [
    { desc: "a body whose digest differs from the pin", current: { body: "evil\n" }, pin: sha256("good\n"), errorKind: "protocol" },
    { desc: "a redirect (not followed)", current: { body: "", status: 302, headers: { location: "/elsewhere" } }, errorKind: "http-status", status: 302 },
    { desc: "a 404 (an error, not absent)", current: { body: "", status: 404 }, errorKind: "http-status", status: 404 },
    { desc: "a body over maxBytes", current: { body: "x".repeat(101) }, maxBytes: 100, errorKind: "too-large" },
  ];
  for (const c of errorCases) {
    it(`returns ${c.errorKind} for ${c.desc}`, async () => {
      const s = await serve(c.current);
      const source = new UrlSource(`${s.url}/pods.yaml${c.pin === undefined ? "" : `#sha256=${c.pin}`}`, c.maxBytes === undefined ? {} : { maxBytes: c.maxBytes });
      expect(await source.read(signal)).toMatchObject({ kind: "error", errorKind: c.errorKind, ...(c.status === undefined ? {} : { status: c.status }) });
    });
  }

  it("polls with If-None-Match, gets 304s while unchanged, and yields only a new body", async () => {
    const current = { body: "v1\n" };
    const s = await serve(current);
    const source = new UrlSource(`${s.url}/pods.yaml`, { pollIntervalMs: 10 });
    cursor = watchSource(source);
    expect(text(await cursor.next())).toBe("v1\n");
    // Polling resumes once pulled; let two conditional polls be answered 304, then change the body.
    const next = cursor.next();
    while (s.requests.filter((r) => r.headers["if-none-match"] !== undefined).length < 2) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    current.body = "v2\n";
    expect(text(await next)).toBe("v2\n");
    expect(s.requests[1]?.headers["if-none-match"]).toBe(`"${sha256("v1\n").slice(0, 8)}"`);
    // Each 304 was a completed round-trip that brought nothing new.
    expect(cursor.contacts.length).toBeGreaterThanOrEqual(2);
    expect(cursor.contacts[0]).toEqual({ kind: "contact", source: `url:${s.url}/pods.yaml` });
  });
});
