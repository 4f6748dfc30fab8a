import { readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/daemon/logger.js";
import { runDaemonOnce, startDaemon } from "../../src/daemon/start-daemon.js";
import { readState } from "../../src/daemon/state-file.js";
import { startEmulator } from "../../src/emulator/start-emulator.js";
import { setImmutable } from "../manifests/scratch-filesystem.js";
import { createHarness, type Harness } from "./daemon-harness.js";
import { EventRecorder, podsYaml, podYaml } from "./event-recorder.js";

const HELLO = podYaml("hello");
const CLOCK = podYaml("clock", "busybox:1.36");

describe("the sync loop against the GCE emulator", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("applies the set, follows add/change/remove, and leaves untouched files' bytes and mtimes", async () => {
    h = await createHarness(podsYaml(HELLO, CLOCK));
    await h.start();
    expect(await h.recorder.next("sync.applied")).toMatchObject({ created: 2, updated: 0, deleted: 0, pods: 2 });
    expect(await h.files()).toEqual(["clock.yaml", "hello.yaml"]);
    const hello = { bytes: await h.read("hello.yaml"), mtime: await h.mtimeOf("hello.yaml") };

    const steps: { desc: string; yaml: string; counts: object; files: string[] }[] = [
      { desc: "add", yaml: podsYaml(HELLO, CLOCK, podYaml("web")), counts: { created: 1, updated: 0, deleted: 0, unchanged: 2 }, files: ["clock.yaml", "hello.yaml", "web.yaml"] },
      { desc: "change one", yaml: podsYaml(HELLO, CLOCK, podYaml("web", "nginx:1.28")), counts: { created: 0, updated: 1, deleted: 0, unchanged: 2 }, files: ["clock.yaml", "hello.yaml", "web.yaml"] },
      { desc: "remove one", yaml: podsYaml(HELLO, podYaml("web", "nginx:1.28")), counts: { created: 0, updated: 0, deleted: 1, unchanged: 2 }, files: ["hello.yaml", "web.yaml"] },
    ];
    for (const step of steps) {
      const mark = h.recorder.mark();
      await h.serve(step.yaml);
      expect(await h.recorder.next("sync.applied", mark), step.desc).toMatchObject(step.counts);
      expect(await h.files(), step.desc).toEqual(step.files);
      expect(await h.read("hello.yaml"), step.desc).toBe(hello.bytes);
      expect(await h.mtimeOf("hello.yaml"), step.desc).toBe(hello.mtime);
    }
    expect(await h.read("web.yaml")).toContain("nginx:1.28");

    const state = await readState(h.stateDir);
    expect(state.kind).toBe("state");
    if (state.kind === "state") {
      expect(state.state.managed.map((m) => m.file)).toEqual(["hello.yaml", "web.yaml"]);
      expect(state.state.lastSync).toMatchObject({ result: "applied", counts: { deleted: 1 } });
    }
  });

  it("refuses invalid and garbage revisions whole, keeps every file, and reports paths", async () => {
    h = await createHarness(podsYaml(HELLO, CLOCK));
    const daemon = await h.start();
    await h.recorder.next("sync.applied");
    const before = { files: await h.files(), clock: await h.read("clock.yaml") };

    // `secret`: payload text that must stay out of the log event (the state file may keep it).
    const cases: { desc: string; yaml: string; error: { field: string; type: string; rule?: string }; secret: string }[] = [
      { desc: "a pod without an image", yaml: podsYaml(HELLO, podYaml("web").replace("      image: nginx:1.27\n", "")), error: { field: "spec.containers[0].image", type: "Required value" }, secret: "name: web" },
      { desc: "garbage", yaml: "{{{ not yaml", error: { field: "", type: "Decode error" }, secret: "not yaml" },
      { desc: "a bad value", yaml: podsYaml(HELLO, podYaml("web", "nginx:1.27", "  restartPolicy: hunter2-secret\n")), error: { field: "spec.restartPolicy", type: "Unsupported value", rule: expect.any(String) }, secret: "hunter2-secret" },
    ];
    for (const c of cases) {
      const mark = h.recorder.mark();
      await h.serve(c.yaml);
      const invalid = await h.recorder.next("sync.invalid", mark);
      expect(invalid.errors, c.desc).toEqual(expect.arrayContaining([expect.objectContaining(c.error)]));
      expect(JSON.stringify(invalid), c.desc).not.toContain(c.secret);
      expect((invalid.errors as object[]).filter((e) => "value" in e), c.desc).toEqual([]);
      expect(await h.files(), c.desc).toEqual(before.files);
      expect(await h.read("clock.yaml"), c.desc).toBe(before.clock);
      const ready = await fetch(`${daemon.healthUrl}/readyz`);
      expect(ready.status, c.desc).toBe(503);
      expect(await ready.json(), c.desc).toMatchObject({ ready: false, reason: "revision-refused" });
    }

    // The state file keeps the last bad value for `rower status`, readable by its owner only.
    const state = await readState(h.stateDir);
    expect(state.kind === "state" && state.state.lastError?.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: "spec.restartPolicy", value: "hunter2-secret" })]),
    );
    expect((await stat(join(h.stateDir, "state.json"))).mode & 0o777).toBe(0o600);

    const mark = h.recorder.mark();
    await h.serve(podsYaml(HELLO));
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ deleted: 1, unchanged: 1 });
    expect((await fetch(`${daemon.healthUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${daemon.healthUrl}/metrics`)).text();
    expect(metrics).toContain('rower_syncs_total{result="invalid"} 3');
    expect(metrics).toContain('rower_syncs_total{result="applied"} 2');
    expect(metrics).toContain("rower_managed_pods 1");
    expect(metrics).toMatch(/rower_source_revision_info\{source="gce:[^"]*",revision="[^"]+"\} 1/);
  });

  it("a value over GCE's 256 KiB cap is refused as invalid, not retried as an outage; a fitting value applies", async () => {
    h = await createHarness(podsYaml(HELLO, CLOCK));
    const daemon = await h.start();
    await h.recorder.next("sync.applied");
    const before = { files: await h.files(), clock: await h.read("clock.yaml") };
    const mark = h.recorder.mark();
    // 300 KiB of annotation: valid YAML, over the provider's cap before any decode.
    await h.serve(podsYaml(HELLO, podYaml("clock", "busybox:1.36").replace("  name: clock\n", `  name: clock\n  annotations:\n    pad: "${"x".repeat(300 * 1024)}"\n`)));
    const invalid = await h.recorder.next("sync.invalid", mark);
    expect(invalid).toMatchObject({ kind: "too-large", reason: expect.stringContaining("262144"), action: "nothing applied" });
    expect(JSON.stringify(invalid)).not.toContain("xxxx");
    expect(await h.files()).toEqual(before.files);
    expect(await h.read("clock.yaml")).toBe(before.clock);
    const ready = await fetch(`${daemon.healthUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, reason: "revision-refused" });
    const metrics = await (await fetch(`${daemon.healthUrl}/metrics`)).text();
    expect(metrics).toContain('rower_syncs_total{result="invalid"} 1');
    expect(metrics).not.toContain('kind="too-large"');

    // The watch keeps going: the next revision that fits is applied.
    await h.serve(podsYaml(HELLO));
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ deleted: 1, unchanged: 1 });
    expect(h.recorder.named("source.error", mark)).toEqual([]);
    expect((await fetch(`${daemon.healthUrl}/readyz`)).status).toBe(200);
  });

  it("an absent key empties the set; an empty value too", async () => {
    h = await createHarness(podsYaml(HELLO, CLOCK));
    await h.start();
    await h.recorder.next("sync.applied");
    let mark = h.recorder.mark();
    await h.removeKey();
    expect(await h.recorder.next("source.absent", mark)).toMatchObject({ action: "removing rower's files" });
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ deleted: 2, pods: 0 });
    expect(await h.files()).toEqual([]);

    mark = h.recorder.mark();
    await h.serve(HELLO);
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ created: 1 });
    mark = h.recorder.mark();
    await h.serve("  \n");
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ deleted: 1 });
    expect(h.recorder.named("source.empty", mark)).toHaveLength(1);
  });

  it("--keep-on-absent keeps the files when the key goes away", async () => {
    h = await createHarness(podsYaml(HELLO), { keepOnAbsent: true });
    await h.start();
    await h.recorder.next("sync.applied");
    const mark = h.recorder.mark();
    await h.removeKey();
    expect(await h.recorder.next("source.absent", mark)).toMatchObject({ action: "kept" });
    expect(await h.files()).toEqual(["hello.yaml"]);
  });

  it("repairs drift: a deleted or edited rower file comes back, a foreign file is never touched", async () => {
    h = await createHarness(podsYaml(HELLO, CLOCK));
    await h.start();
    await h.recorder.next("sync.applied");
    const hello = await h.read("hello.yaml");
    const clock = await h.read("clock.yaml");
    await writeFile(join(h.manifestDir, "foreign.yaml"), podYaml("foreign"));

    let mark = h.recorder.mark();
    await unlink(join(h.manifestDir, "hello.yaml"));
    expect(await h.recorder.next("drift.repaired", mark)).toMatchObject({ created: 1 });
    expect(await h.read("hello.yaml")).toBe(hello);

    mark = h.recorder.mark();
    await writeFile(join(h.manifestDir, "clock.yaml"), "edited by hand\n");
    expect(await h.recorder.next("drift.repaired", mark)).toMatchObject({ updated: 1 });
    expect(await h.read("clock.yaml")).toBe(clock);
    expect(await h.read("foreign.yaml")).toBe(podYaml("foreign"));
  });

  it("a drift repair after a refused revision restores the last good files and stays unready", async () => {
    h = await createHarness(podsYaml(HELLO, CLOCK));
    const daemon = await h.start();
    await h.recorder.next("sync.applied");
    const hello = await h.read("hello.yaml");
    let mark = h.recorder.mark();
    await h.serve(podsYaml(podYaml("hello", "")));
    await h.recorder.next("sync.invalid", mark);

    mark = h.recorder.mark();
    await unlink(join(h.manifestDir, "hello.yaml"));
    expect(await h.recorder.next("drift.repaired", mark)).toMatchObject({ created: 1 });
    expect(await h.read("hello.yaml")).toBe(hello);
    const ready = await fetch(`${daemon.healthUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: "revision-refused" });
    const state = await readState(h.stateDir);
    expect(state).toMatchObject({ kind: "state", state: { lastSync: { result: "invalid" } } });
  });

  it("a foreign file in a rower file's place refuses the revision until it is gone", async () => {
    h = await createHarness(podsYaml(HELLO));
    await h.start();
    await h.recorder.next("sync.applied");
    await writeFile(join(h.manifestDir, "web.yaml"), podYaml("web", "mine:1"));
    let mark = h.recorder.mark();
    await h.serve(podsYaml(HELLO, CLOCK, podYaml("web")));
    expect(await h.recorder.next("conflict", mark)).toMatchObject({ file: "web.yaml", reason: "foreign-file" });
    expect(await h.recorder.next("sync.conflict", mark)).toMatchObject({ conflicts: 1, changed: 0 });
    expect(await h.files()).toEqual(["hello.yaml", "web.yaml"]);
    expect(await h.read("web.yaml")).toBe(podYaml("web", "mine:1"));

    mark = h.recorder.mark();
    await rm(join(h.manifestDir, "web.yaml"));
    expect(await h.recorder.next("drift.repaired", mark)).toMatchObject({ created: 2 });
    expect(await h.files()).toEqual(["clock.yaml", "hello.yaml", "web.yaml"]);
  });

  it("keeps the files while the source is unreachable, turns unready after 3 failures, and recovers", async () => {
    h = await createHarness(podsYaml(HELLO));
    const daemon = await h.start();
    await h.recorder.next("sync.applied");
    const port = Number(new URL(h.emulator.url).port);
    const mark = h.recorder.mark();
    await h.emulator.close();
    expect(await h.recorder.next((e) => e.event === "source.error" && e.attempt === 3, mark)).toMatchObject({ source: expect.any(String) });
    expect(await h.files()).toEqual(["hello.yaml"]);
    const ready = await fetch(`${daemon.healthUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: "source-failing" });
    expect(await (await fetch(`${daemon.healthUrl}/metrics`)).text()).toMatch(/rower_source_errors_total\{kind="(unreachable|protocol)"\} [3-9]/);

    h.emulator = await startEmulator("gce", { file: h.servedFile, port });
    await h.recorder.next("source.recovered", mark);
    expect((await fetch(`${daemon.healthUrl}/readyz`)).status).toBe(200);
    expect(await h.files()).toEqual(["hello.yaml"]);
  });

  it("SIGHUP re-reads and re-syncs; stop leaves the files in place", async () => {
    h = await createHarness(podsYaml(HELLO));
    const daemon = await h.start();
    await h.recorder.next("sync.applied");
    const mark = h.recorder.mark();
    daemon.reload();
    await h.recorder.next("daemon.reload", mark);
    expect(await h.recorder.next("sync.unchanged", mark)).toMatchObject({ unchanged: 1 });
    await daemon.stop();
    await h.recorder.next("daemon.stopped", mark);
    expect(await h.files()).toEqual(["hello.yaml"]);
  });

  it("a directory that refuses writes fails the sync, keeps the files, and is retried with backoff", async (ctx) => {
    h = await createHarness(podsYaml(HELLO));
    const daemon = await h.start();
    await h.recorder.next("sync.applied");
    // Root ignores chmod; an immutable directory makes the kernel refuse (EPERM).
    if (!setImmutable(h.manifestDir, true)) ctx.skip();
    let mark = h.recorder.mark();
    try {
      await h.serve(podsYaml(HELLO, CLOCK));
      expect(await h.recorder.next("sync.failed", mark)).toMatchObject({ code: "EPERM", retryInMs: expect.any(Number) });
      expect(await h.files()).toEqual(["hello.yaml"]);
      const ready = await fetch(`${daemon.healthUrl}/readyz`);
      expect(await ready.json()).toMatchObject({ ready: false, reason: "sync-failed" });
      mark = h.recorder.mark();
    } finally {
      setImmutable(h.manifestDir, false);
    }
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ created: 1, unchanged: 1 });
    expect(await h.files()).toEqual(["clock.yaml", "hello.yaml"]);
    expect((await fetch(`${daemon.healthUrl}/readyz`)).status).toBe(200);
  });

  it("a state directory that cannot be written is reported; the manifests still follow", async () => {
    h = await createHarness(podsYaml(HELLO));
    await writeFile(join(h.root, "not-a-dir"), "");
    h.config = { ...h.config, stateDir: join(h.root, "not-a-dir") };
    await h.start();
    expect(await h.recorder.next("state.writeFailed")).toMatchObject({ code: expect.stringMatching(/^E/) });
    await h.recorder.next("sync.applied");
    expect(await h.files()).toEqual(["hello.yaml"]);
  });

  it("SIGHUP and stop cut a hanging read short without crashing", async () => {
    h = await createHarness(podsYaml(HELLO));
    const faults = await fetch(`${h.emulator.url}/_emulator/faults`, { method: "POST", body: JSON.stringify({ delayMs: 60_000 }) });
    expect(faults.status).toBe(204);
    const daemon = await h.start();
    await h.recorder.next("daemon.started");
    daemon.reload();
    await h.recorder.next("daemon.reload");
    await daemon.stop();
    await h.recorder.next("daemon.stopped");
    expect(h.recorder.named("sync.applied")).toEqual([]);
  });

  it("a restarted daemon recognises its files: nothing rewritten, removals while stopped applied", async () => {
    h = await createHarness(podsYaml(HELLO, CLOCK));
    let daemon = await h.start();
    await h.recorder.next("sync.applied");
    const mtime = await h.mtimeOf("hello.yaml");
    await daemon.stop();

    let mark = h.recorder.mark();
    daemon = await h.start();
    expect(await h.recorder.next("sync.unchanged", mark)).toMatchObject({ unchanged: 2 });
    expect(await h.mtimeOf("hello.yaml")).toBe(mtime);
    await daemon.stop();

    await h.serve(podsYaml(HELLO));
    mark = h.recorder.mark();
    await h.start();
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ deleted: 1, unchanged: 1 });
    expect(await h.files()).toEqual(["hello.yaml"]);
  });

  it("a second daemon on the same directory refuses, naming the holder's pid", async () => {
    h = await createHarness(podsYaml(HELLO));
    await h.start();
    await h.recorder.next("sync.applied");
    const second = await startDaemon(h.config, { log: createLogger({ format: "json", destination: new EventRecorder().destination }) });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.message).toContain(`pid ${process.pid}`);
  });

  it("--once returns the verdict of one sync", async () => {
    h = await createHarness(podsYaml(HELLO));
    const recorder = new EventRecorder();
    const log = createLogger({ format: "json", destination: recorder.destination });
    const cases: { desc: string; yaml?: string; endpoint?: string; verdict: string }[] = [
      { desc: "valid", yaml: podsYaml(HELLO), verdict: "applied" },
      { desc: "nothing to do", yaml: podsYaml(HELLO), verdict: "unchanged" },
      { desc: "invalid", yaml: "kind: Pod\n", verdict: "invalid" },
      { desc: "over the provider's cap", yaml: `# ${"x".repeat(300 * 1024)}\n${podYaml("hello")}`, verdict: "invalid" },
      { desc: "unreachable", endpoint: "http://127.0.0.1:1", verdict: "source-error" },
    ];
    for (const c of cases) {
      if (c.yaml !== undefined) await h.serve(c.yaml);
      const config = c.endpoint ? { ...h.config, metadataEndpoint: c.endpoint } : h.config;
      const result = await runDaemonOnce(config, { log });
      expect(result, c.desc).toEqual({ ok: true, verdict: c.verdict });
    }
    expect(await readFile(join(h.manifestDir, "hello.yaml"), "utf8")).toContain("name: hello");
  });
});
