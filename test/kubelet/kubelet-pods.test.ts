// rower's kubelet client over real mTLS against the fake kubelet: it proves who it is with the
// client certificate, checks the kubelet's serving certificate against --kubelet-ca, and turns
// every failure into an answer naming the reason.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchKubeletPods } from "../../src/kubelet/kubelet-pods.js";
import { makeKubeletPki, staticPod, startFakeKubelet, type FakeKubelet, type KubeletPki } from "../support/fake-kubelet.js";

const hasOpenssl = spawnSync("sh", ["-c", "command -v openssl"]).status === 0;
const signal = new AbortController().signal;

describe.skipIf(!hasOpenssl)("fetchKubeletPods over mTLS", () => {
  let dir = "";
  let pki: KubeletPki;
  let rogue: KubeletPki;
  let kubelet: FakeKubelet;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-kubelet-tls-"));
    pki = makeKubeletPki(dir);
    rogue = makeKubeletPki(dir, "rogue-ca");
    kubelet = await startFakeKubelet(pki);
    kubelet.pods = [staticPod({ name: "web", phase: "Running", containers: [{ name: "c" }] }, "node-1")];
  });
  afterAll(async () => {
    await kubelet.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the PodList with the client certificate", async () => {
    const answer = await fetchKubeletPods({ url: kubelet.url, ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }, signal);
    expect(answer).toEqual({ ok: true, pods: [{ namespace: "default", name: "web-node-1", configSource: "file", phase: "Running", containers: [{ name: "c", init: false }] }] });
    expect(kubelet.requests.at(-1)).toEqual({ path: "/pods", authorized: true });
  });

  it("a client certificate from another CA gets the kubelet's 401, named as such", async () => {
    const answer = await fetchKubeletPods({ url: kubelet.url, ca: pki.ca, cert: rogue.clientCert, key: rogue.clientKey }, signal);
    expect(answer).toEqual({ ok: false, message: expect.stringContaining("401") });
    expect(kubelet.requests.at(-1)).toEqual({ path: "/pods", authorized: false });
  });

  it("a serving certificate not signed by --kubelet-ca is refused before anything is sent", async () => {
    const before = kubelet.requests.length;
    const answer = await fetchKubeletPods({ url: kubelet.url, ca: rogue.ca, cert: pki.clientCert, key: pki.clientKey }, signal);
    expect(answer).toEqual({ ok: false, message: expect.stringMatching(/certificate/i) });
    expect(kubelet.requests.length).toBe(before);
  });

  it("a missing file is named", async () => {
    const answer = await fetchKubeletPods({ url: kubelet.url, ca: pki.ca, cert: join(dir, "nope.crt"), key: pki.clientKey }, signal);
    expect(answer).toEqual({ ok: false, message: `cannot read ${join(dir, "nope.crt")}: ENOENT` });
  });
});
