// The staleness contract: each source says how long its healthy watch may go without yielding
// anything; the sync loop's readiness holds the watch to it.
import { describe, expect, it } from "vitest";
import { createSource } from "../../src/sources/create-source.js";
import type { SourceOptions } from "../../src/sources/source-options.js";

describe("staleAfterMs", () => {
  const endpoint = "http://127.0.0.1:1";
  const cases: Array<{ desc: string; spec: string; options: SourceOptions; staleAfterMs: number }> = [
    // timeout_sec 60 s + the floor's longest draw 1.2 s + 5 s slack.
    { desc: "gce: the long poll's timeout_sec plus floor and slack", spec: "gce", options: { gceMetadataHost: "127.0.0.1:1" }, staleAfterMs: 66_200 },
    { desc: "gce: a shorter timeout_sec", spec: "gce", options: { gceMetadataHost: "127.0.0.1:1", gceWaitTimeoutSec: 10 }, staleAfterMs: 16_200 },
    // 10 s + 10% jitter, 3 requests of 1 s connect + 5 s response, 5 s slack.
    { desc: "ec2: interval, three requests' timeouts, slack", spec: "ec2", options: { ec2MetadataEndpoint: endpoint }, staleAfterMs: 34_000 },
    // 10 s + 10% jitter, one request of 1 s connect + 5 s response, 5 s slack.
    { desc: "azure: interval, one request's timeouts, slack", spec: "azure", options: { azureMetadataEndpoint: endpoint }, staleAfterMs: 22_000 },
    { desc: "url: interval, one request's timeouts, slack", spec: `url:${endpoint}/p`, options: {}, staleAfterMs: 22_000 },
    { desc: "url: a longer interval", spec: `url:${endpoint}/p`, options: { pollIntervalMs: 60_000 }, staleAfterMs: 77_000 },
    // An interval under the floor: the floor's 1.2 s rules.
    { desc: "url: an interval shorter than the floor", spec: `url:${endpoint}/p`, options: { pollIntervalMs: 200 }, staleAfterMs: 12_200 },
    // The 20 s re-check + 100 ms debounce + a read's 2 s settle timeout + 5 s slack.
    { desc: "file: the periodic re-check", spec: "file:/nonexistent/pods.yaml", options: {}, staleAfterMs: 27_100 },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      expect(createSource(c.spec, c.options).staleAfterMs).toBe(c.staleAfterMs);
    });
  }

  it("auto, before detection: the longest of the platforms'", () => {
    const source = createSource("auto", { dmiRoot: "/nonexistent", endpoint });
    expect(source.staleAfterMs).toBe(66_200);
  });
});
