// A flapping key is not followed blindly (the hostile review saw 435 rewrites in 10 s, each
// one a pod restart): the first change applies at once, the changes in the second after an
// applied change are coalesced to the latest. Built CLI against the built emulator.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { spawnDaemon, spawnEmulator, stopProcess, type SpawnedDaemon, type SpawnedEmulator } from "./spawned-rower.js";

const COALESCE_MS = 1_000;
const setWith = (image: string): string => podsYaml(podYaml("hello"), podYaml("web", image));

describe("coalescing a flapping key (built CLI against rower emulate gce)", () => {
  let root = "";
  let emulator: SpawnedEmulator | undefined;
  let daemon: SpawnedDaemon | undefined;
  afterEach(async () => {
    if (daemon) await stopProcess(daemon.child, "SIGKILL");
    if (emulator) await stopProcess(emulator.child);
    await rm(root, { recursive: true, force: true });
  });

  it("60 flips as fast as the metadata server takes them: applies at least 1 s apart, ending on the last value", async () => {
    root = await mkdtemp(join(tmpdir(), "rower-coalesce-"));
    const served = join(root, "pods.yaml");
    await writeFile(served, setWith("nginx:1.27"));
    emulator = await spawnEmulator("gce", served);
    const manifestDir = join(root, "manifests");
    daemon = spawnDaemon(["--source", "gce", "--manifest-dir", manifestDir, "--state-dir", join(root, "state"), "--node-name", "node-1"], emulator.env);
    const { recorder } = daemon;
    await recorder.next("sync.applied");
    const mark = recorder.mark();

    const put = async (text: string): Promise<void> => {
      const response = await fetch(`${emulator?.url}/_emulator/instance/attributes/kube-pods`, { method: "PUT", body: text });
      expect(response.status).toBe(204);
    };
    const flips = 60;
    for (let i = 0; i < flips; i++) await put(setWith(i % 2 === 0 ? "nginx:1.28" : "nginx:1.27"));
    await put(setWith("nginx:1.29"));
    // Converged: the file holds the last value.
    await waitForContent(join(manifestDir, "web.yaml"), "nginx:1.29", recorder);

    const applied = recorder.named("sync.applied", mark);
    const writes = recorder.named("manifest.written", mark);
    expect(writes.length).toBeLessThan(flips / 2);
    const times = applied.map((e) => Number(e.time));
    times.slice(1).forEach((time, i) => {
      const gap = time - (times[i] ?? 0);
      expect(gap, `apply ${i + 1} came ${gap} ms after the one before`).toBeGreaterThanOrEqual(COALESCE_MS - 50);
    });
    expect((await readdir(manifestDir)).filter((f) => !f.startsWith(".")).sort()).toEqual(["hello.yaml", "web.yaml"]);
  }, 30_000);
});

/** Resolves when `file` holds `text`, re-checking after every event the daemon logs. */
async function waitForContent(file: string, text: string, recorder: SpawnedDaemon["recorder"]): Promise<void> {
  for (;;) {
    if ((await readFile(file, "utf8")).includes(text)) return;
    await recorder.next(() => true, recorder.mark());
  }
}
