// What runs, reported back: the built daemon reads the fake kubelet's /pods over mTLS, with the
// certificates deploy/kubelet/make-kubelet-pki issues at first boot, and each
// pod's state shows in `rower status` (text and -o json), /metrics and the GCE guest attribute
// rower/status the emulator recorded.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { deployedKubeletPki, staticPod, startFakeKubelet, type FakeKubelet, type KubeletPki } from "../support/fake-kubelet.js";
import { BUNDLE, spawnDaemon, spawnEmulator, stopProcess, type SpawnedDaemon, type SpawnedEmulator } from "./spawned-rower.js";

const hasOpenssl = spawnSync("sh", ["-c", "command -v openssl"]).status === 0;
const NODE = "node-1";
const PODS = podsYaml(podYaml("web"), podYaml("puller", "registry.invalid/app:1"), podYaml("crasher"), podYaml("rejected"), podYaml("ghost"));

describe.skipIf(!hasOpenssl)("pod states from the kubelet (built daemon, built emulator, fake kubelet over mTLS)", () => {
  let root: string;
  let emulator: SpawnedEmulator;
  let kubelet: FakeKubelet;
  let daemon: SpawnedDaemon | undefined;
  let pki: KubeletPki;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-kubelet-e2e-"));
    pki = deployedKubeletPki(root);
    kubelet = await startFakeKubelet(pki);
    kubelet.pods = [
      staticPod({ name: "web", phase: "Running", containers: [{ name: "main" }] }, NODE),
      staticPod({ name: "puller", phase: "Pending", containers: [{ name: "main", waiting: "ImagePullBackOff" }] }, NODE),
      staticPod({ name: "crasher", phase: "Running", containers: [{ name: "main", waiting: "CrashLoopBackOff" }] }, NODE),
      staticPod({ name: "rejected", phase: "Failed", reason: "OutOfmemory", message: "Pod was rejected: Node didn't have enough resource: memory", containers: [] }, NODE),
    ];
    await writeFile(join(root, "pods.yaml"), PODS);
    emulator = await spawnEmulator("gce", join(root, "pods.yaml"));
  });
  afterEach(async () => {
    if (daemon) await stopProcess(daemon.child, "SIGKILL");
    daemon = undefined;
    await stopProcess(emulator.child);
    await kubelet.close();
    await rm(root, { recursive: true, force: true });
  });

  it("each state appears in status, -o json, /metrics and the guest attributes; an unreachable kubelet makes them unknown", async () => {
    const response = await fetch(`${emulator.url}/_emulator/instance/attributes/enable-guest-attributes`, { method: "PUT", body: "TRUE" });
    expect(response.status).toBe(204);
    const stateDir = join(root, "state");
    const manifestDir = join(root, "manifests");
    daemon = spawnDaemon([
      "--source", "gce", "--manifest-dir", manifestDir, "--state-dir", stateDir, "--node-name", NODE, "--listen", "127.0.0.1:0",
      "--kubelet", kubelet.url, "--kubelet-cert", pki.clientCert, "--kubelet-key", pki.clientKey, "--kubelet-ca", pki.ca,
      "--report-guest-attributes",
    ], emulator.env);
    const { recorder } = daemon;
    const started = await recorder.next("daemon.started");
    await recorder.next("sync.applied");
    // ghost.yaml was just written: the kubelet may not have listed it yet. Age it past the kubelet's re-list period.
    await recorder.next((e) => e.event === "pod.state" && e["pod"] === "default/ghost" && e["state"] === "pending");
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(manifestDir, "ghost.yaml"), old, old);
    const observed = await recorder.next((e) => e.event === "pods.observed" && e["not-taken"] === 2 && e["running"] === 1 && e["pending"] === 2);

    const status = spawnSync(process.execPath, [BUNDLE, "status", "--state-dir", stateDir], { encoding: "utf8" });
    expect(status.status).toBe(0);
    for (const line of [
      /default\/web  web\.yaml  sha256:[0-9a-f]{12}  running\n/,
      /default\/puller  puller\.yaml  sha256:[0-9a-f]{12}  pending \(ImagePullBackOff\)\n/,
      /default\/crasher  crasher\.yaml  sha256:[0-9a-f]{12}  pending \(CrashLoopBackOff\)\n/,
      /default\/rejected  rejected\.yaml  sha256:[0-9a-f]{12}  not-taken \(OutOfmemory\)\n/,
      /default\/ghost  ghost\.yaml  sha256:[0-9a-f]{12}  not-taken \(NotListedByKubelet\)\n/,
      new RegExp(`kubelet: +${kubelet.url} answering since \\S+ \\(2 not-taken, 2 pending, 1 running\\)\\n`),
    ]) expect(status.stdout).toMatch(line);

    const json = JSON.parse(spawnSync(process.execPath, [BUNDLE, "status", "--state-dir", stateDir, "-o", "json"], { encoding: "utf8" }).stdout) as { pods: unknown[]; kubelet: unknown };
    expect(json.pods).toEqual(expect.arrayContaining([
      { pod: "default/web", file: "web.yaml", state: "running" },
      { pod: "default/puller", file: "puller.yaml", state: "pending", reason: "ImagePullBackOff" },
      { pod: "default/crasher", file: "crasher.yaml", state: "pending", reason: "CrashLoopBackOff" },
      { pod: "default/rejected", file: "rejected.yaml", state: "not-taken", reason: "OutOfmemory" },
      { pod: "default/ghost", file: "ghost.yaml", state: "not-taken", reason: "NotListedByKubelet" },
    ]));
    expect(json.kubelet).toMatchObject({ url: kubelet.url, reachable: true });

    const metrics = await (await fetch(`${String(started["healthUrl"])}/metrics`)).text();
    for (const [state, count] of [["running", 1], ["pending", 2], ["not-taken", 2], ["terminated", 0], ["unknown", 0]] as const) {
      expect(metrics).toContain(`rower_pods{state="${state}"} ${count}\n`);
    }
    expect(kubelet.requests.every((r) => r.authorized && r.path === "/pods")).toBe(true);

    // The cloud's view: the guest attribute rower/status, as the metadata server recorded the PUT.
    await recorder.next("report.published", recorder.events.indexOf(observed) + 1);
    const attributes = await (await fetch(`${emulator.url}/_emulator/guest-attributes`)).json() as { rower: { status: string } };
    const document = JSON.parse(attributes.rower.status) as Record<string, unknown>;
    expect(document).toMatchObject({ node: NODE, appliedRevision: expect.stringMatching(/^sha256:/), digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(document["pods"]).toEqual([
      { pod: "default/crasher", state: "pending", reason: "CrashLoopBackOff" },
      { pod: "default/ghost", state: "not-taken", reason: "NotListedByKubelet" },
      { pod: "default/puller", state: "pending", reason: "ImagePullBackOff" },
      { pod: "default/rejected", state: "not-taken", reason: "OutOfmemory" },
      { pod: "default/web", state: "running" },
    ]);

    // The kubelet stops answering: every state is unknown, and status says why.
    const mark = recorder.mark();
    await kubelet.close();
    expect(await recorder.next("kubelet.unreachable", mark)).toMatchObject({ url: kubelet.url });
    await recorder.next((e) => e.event === "pods.observed" && e["unknown"] === 5, mark);
    const down = spawnSync(process.execPath, [BUNDLE, "status", "--state-dir", stateDir], { encoding: "utf8" });
    expect(down.stdout).toMatch(new RegExp(`kubelet: +${kubelet.url} not answering since \\S+: .+ \\(pod states unknown\\)\\n`));
    expect(down.stdout).toMatch(/default\/web  web\.yaml  sha256:[0-9a-f]{12}  unknown\n/);
  }, 60_000);
});
