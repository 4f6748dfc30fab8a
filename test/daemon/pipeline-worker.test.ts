// The pipeline worker, started from the built bundle as the daemon starts it.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createDesiredSetResolver, INLINE_MAX_BYTES, resolveInWorker } from "../../src/daemon/pipeline-worker.js";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { validateDocuments } from "../../src/validate/validate-documents.js";
import type { Payload } from "../../src/sources/source.js";
import type { LogFields } from "../../src/daemon/event-log.js";

const BUNDLE = new URL("../../dist/pipeline-worker.mjs", import.meta.url);
const STEPS = { decodePayload, validateDocuments, renderManifest };
const OPTIONS = { maxBytes: 524_288, nodeName: "node-1", keepOnAbsent: false };
const pod = (i: number) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n`;
const present = (text: string | Uint8Array): Payload => ({
  kind: "present", source: "test", revision: "r1", bytes: typeof text === "string" ? new TextEncoder().encode(text) : text,
});

function recordingLog(): { events: Array<[string, LogFields | undefined]>; log: { debug: () => void; info: (e: string, f?: LogFields) => void; warn: () => void; error: () => void } } {
  const events: Array<[string, LogFields | undefined]> = [];
  return { events, log: { debug: () => undefined, info: (e, f) => { events.push([e, f]); }, warn: () => undefined, error: () => undefined } };
}

describe("the pipeline worker", () => {
  it("resolves a large payload to the same set as inline, while the main thread keeps running", async () => {
    const big = present(Array.from({ length: 1500 }, (_, i) => pod(i)).join("---\n"));
    let ticks = 0;
    let spinning = true;
    const spin = (): void => { ticks++; if (spinning) setImmediate(spin); };
    setImmediate(spin);
    const set = await resolveInWorker(big, OPTIONS, BUNDLE, { heapMb: 96, timeoutMs: 60_000 });
    spinning = false;
    const inline = createDesiredSetResolver(STEPS, OPTIONS, undefined, recordingLog().log);
    expect(set).toEqual(await inline(big));
    // The event loop turned many times while the worker decoded 1,500 pods.
    expect(ticks).toBeGreaterThan(20);
  });

  it("refuses a payload that needs more heap than the worker has, and the caller lives on", async () => {
    // 12 MiB holds the bundle and a small payload, not 2,500 pods.
    const limits = { heapMb: 12, timeoutMs: 60_000 };
    expect((await resolveInWorker(present(pod(1)), OPTIONS, BUNDLE, limits)).kind).toBe("set");
    const big = present(Array.from({ length: 2500 }, (_, i) => pod(i)).join("---\n"));
    const set = await resolveInWorker(big, OPTIONS, BUNDLE, limits);
    expect(set).toMatchObject({ kind: "invalid", errorCount: 1, errors: [{ rule: "decode.tooComplex", origin: { source: "test", document: 0 } }] });
  });

  it("refuses a payload that takes longer than the limit", async () => {
    const big = present(Array.from({ length: 2500 }, (_, i) => pod(i)).join("---\n"));
    const set = await resolveInWorker(big, OPTIONS, BUNDLE, { heapMb: 96, timeoutMs: 1 });
    expect(set).toMatchObject({ kind: "invalid", errors: [{ rule: "decode.tooSlow" }] });
  });

  const routes: Array<[string, Payload, boolean]> = [
    ["a small plain payload stays inline", present(pod(1)), false],
    [`plain text over ${INLINE_MAX_BYTES} bytes goes to the worker`, present(Array.from({ length: 400 }, (_, i) => pod(i)).join("---\n")), true],
    ["a small gzip payload goes to the worker (it may inflate 500-fold)", present(new Uint8Array(gzipSync(pod(1)))), true],
    ["a small base64 payload goes to the worker", present(Buffer.from(pod(1)).toString("base64")), true],
  ];
  for (const [desc, payload, offThread] of routes) {
    it(desc, async () => {
      const { events, log } = recordingLog();
      const set = await createDesiredSetResolver(STEPS, OPTIONS, BUNDLE, log)(payload);
      expect(set.kind).toBe("set");
      expect(events.map(([e]) => e)).toEqual(offThread ? ["decode.offThread"] : []);
    });
  }
});
