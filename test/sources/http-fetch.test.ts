// fetchBytes against a real loopback server: a header value Node refuses to send is a
// protocol error (the value came from a metadata answer), never "unreachable".
import { afterEach, describe, expect, it } from "vitest";
import { fetchBytes } from "../../src/sources/http-fetch.js";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.js";

describe("fetchBytes", () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const cases: Array<{ desc: string; value: string; expect: { ok: boolean; errorKind?: string } }> = [
    { desc: "a plain token", value: "AQAEtoken", expect: { ok: true } },
    { desc: "a line break", value: "a\nb", expect: { ok: false, errorKind: "protocol" } },
    { desc: "a character outside Latin-1", value: "tok\u4e16", expect: { ok: false, errorKind: "protocol" } },
  ];
  for (const c of cases) {
    it(`sends a header with ${c.desc}: ${c.expect.errorKind ?? "ok"}`, async () => {
      server = await startLoopbackServer((_req, res) => res.end("ok"));
      const result = await fetchBytes({
        url: `${server.url}/`,
        headers: { "x-token": c.value },
        signal: new AbortController().signal,
        maxBytes: 100,
        connectTimeoutMs: 5000,
        responseTimeoutMs: 5000,
      });
      expect(result.ok ? { ok: true } : { ok: false, errorKind: result.errorKind }).toEqual(c.expect);
      expect(server.requests.length).toBe(c.expect.ok ? 1 : 0);
    });
  }
});
