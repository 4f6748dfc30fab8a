// Issue 9 row 6: polls that bring nothing new start at least a second apart, whatever the
// server does with wait_for_change and however short the poll interval. Counted, not timed:
// the requests the emulator received inside a window that the emulator itself measures
// (another scope's 2 s long poll; a marker request it holds for 2 s). A spinning client
// sends hundreds there; one held to the floor sends two or three.
import { describe, expect, it } from "vitest";
import { Ec2Source } from "../../src/sources/ec2.js";
import { GceSource } from "../../src/sources/gce.js";
import { useEmulatorScope } from "./emulator-scope.js";
import { text, type WatchCursor } from "./watch-cursor.js";

/** Generous: a floor of 1 s allows 3 in a 2 s window; the rest is slack for a loaded machine. */
const MAX_IN_WINDOW = 6;

/** Indices of the requests matching `marker`, and the requests matching `counted` between the first two. */
function countInWindow(paths: string[], marker: RegExp, counted: RegExp): { markers: number; inWindow: number } {
  const markers = paths.flatMap((path, index) => (marker.test(path) ? [index] : []));
  const [from = 0, to = 0] = markers;
  return { markers: markers.length, inWindow: paths.slice(from, to).filter((path) => counted.test(path)).length };
}

/** Pulls the watch in the background (a sync loop would), until stopped. */
function keepPulling(cursor: WatchCursor): { stop(): Promise<void> } {
  let pulling = true;
  const loop = (async () => {
    while (pulling) await cursor.nextItem();
  })();
  return {
    stop: async () => {
      pulling = false;
      await loop;
    },
  };
}

describe("poll floor", () => {
  const scope = useEmulatorScope();

  it("gce: an instance scope whose server ignores wait_for_change is polled about once a second", async () => {
    const fx = await scope.start("gce", "v1\n");
    await fx.admin("POST", "faults", JSON.stringify({ ignoreWaitForChange: true, path: "/computeMetadata/v1/instance/" }));
    const cursor = scope.watch(new GceSource({ gceMetadataHost: fx.emulator.env.GCE_METADATA_HOST, gceWaitTimeoutSec: 2 }));
    expect(text(await cursor.next())).toBe("v1\n");
    // The project scope long-polls properly: its first answer, then two 2 s long polls.
    const projectContacts = (): number => cursor.contacts.filter((c) => c.source === "gce:project/attributes/kube-pods").length;
    while (projectContacts() < 3) await cursor.nextItem();
    const paths = (await fx.requests()).map((r) => r.path);
    const window = countInWindow(paths, /^\/computeMetadata\/v1\/project\/attributes\/\?.*wait_for_change=true/, /^\/computeMetadata\/v1\/instance\//);
    expect(window.markers).toBeGreaterThanOrEqual(2);
    expect(window.inWindow).toBeGreaterThanOrEqual(1);
    expect(window.inWindow).toBeLessThanOrEqual(MAX_IN_WINDOW);
  });

  it("ec2: a 1 ms poll interval still polls about once a second while nothing changes", async () => {
    const fx = await scope.start("ec2", "v1\n");
    const cursor = scope.watch(new Ec2Source({ ec2MetadataEndpoint: fx.emulator.url, pollIntervalMs: 1 }));
    expect(text(await cursor.next())).toBe("v1\n");
    const puller = keepPulling(cursor);
    // The window: a marker request the emulator holds for 2 s, then a second marker.
    const marker = `${fx.emulator.url}/latest/meta-data/instance-id`;
    await fx.admin("POST", "faults", JSON.stringify({ delayMs: 2000, count: 1, path: "/latest/meta-data/instance-id" }));
    await (await fetch(marker)).arrayBuffer();
    await (await fetch(marker)).arrayBuffer();
    await puller.stop();
    const paths = (await fx.requests()).map((r) => r.path);
    const window = countInWindow(paths, /^\/latest\/meta-data\/instance-id$/, /^\/latest\/user-data$/);
    expect(window.markers).toBe(2);
    expect(window.inWindow).toBeGreaterThanOrEqual(1);
    expect(window.inWindow).toBeLessThanOrEqual(MAX_IN_WINDOW);
  });
});
