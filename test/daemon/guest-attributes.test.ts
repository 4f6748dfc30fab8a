// --report-guest-attributes (in-process daemon, GCE emulator): the status document lands in the
// guest attribute rower/status through the metadata server's own path and PUT; a change of
// content is published again, no change is not; and a metadata server that refuses (guest
// attributes not enabled) costs a logged reason, never a sync.
import { afterEach, describe, expect, it } from "vitest";
import type { StatusDocument } from "../../src/report/status-document.js";
import { createHarness, type Harness } from "./daemon-harness.js";
import { podsYaml, podYaml } from "./event-recorder.js";

const HELLO = podYaml("hello");
const CLOCK = podYaml("clock", "busybox:1.36");

describe("the daemon with --report-guest-attributes", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const published = async (harness: Harness): Promise<StatusDocument> => {
    const all = JSON.parse(await (await fetch(`${harness.emulator.url}/_emulator/guest-attributes`)).text()) as Record<string, Record<string, string>>;
    return JSON.parse(all["rower"]?.["status"] ?? "null") as StatusDocument;
  };
  const puts = async (harness: Harness): Promise<number> => {
    const requests = JSON.parse(await (await fetch(`${harness.emulator.url}/_emulator/requests`)).text()) as Array<{ method: string; path: string }>;
    return requests.filter((r) => r.method === "PUT" && r.path === "/computeMetadata/v1/instance/guest-attributes/rower/status").length;
  };

  it("publishes what was applied, and again when it changes", async () => {
    h = await createHarness(podsYaml(HELLO, CLOCK), { reportGuestAttributes: true });
    await h.serveAttribute("enable-guest-attributes", "TRUE");
    await h.start();
    const applied = await h.recorder.next("sync.applied");
    await h.recorder.next("report.published");
    const first = await published(h);
    expect(first).toMatchObject({
      version: 1, node: "node-1", source: "gce:instance/attributes/kube-pods",
      appliedRevision: applied["revision"], digest: `sha256:${String(applied["sha256"])}`,
      lastSync: { result: "applied" }, pods: [{ pod: "default/clock" }, { pod: "default/hello" }],
    });
    expect(Date.parse(first.time)).not.toBeNaN();

    const mark = h.recorder.mark();
    await h.serve(podsYaml(HELLO));
    await h.recorder.next("sync.applied", mark);
    expect(await h.recorder.next("report.published", mark)).toMatchObject({ pods: 1 });
    expect((await published(h)).pods).toEqual([{ pod: "default/hello" }]);
    expect(await puts(h)).toBe(2);
  }, 30_000);

  it("a metadata server that refuses is logged with its reason; syncing goes on", async () => {
    h = await createHarness(podsYaml(HELLO), { reportGuestAttributes: true });
    const daemon = await h.start();
    await h.recorder.next("sync.applied");
    expect(await h.recorder.next("report.failed")).toMatchObject({ reason: expect.stringContaining("not enabled"), action: "syncing is not affected" });
    const mark = h.recorder.mark();
    await h.serve(podsYaml(HELLO, CLOCK));
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ created: 1 });
    expect((await fetch(`${daemon.healthUrl}/readyz`)).status).toBe(200);
  });
});
