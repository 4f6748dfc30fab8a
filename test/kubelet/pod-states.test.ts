// The join of what rower wrote with what the kubelet lists, as a table of kubelet answers.
import { describe, expect, it } from "vitest";
import { parsePodList, type KubeletPod } from "../../src/kubelet/kubelet-pods.js";
import { countStates, joinPodStates, KUBELET_PICKUP_MS, type ManagedPod } from "../../src/kubelet/pod-states.js";
import { staticPod, type StaticPodShape } from "../support/fake-kubelet.js";

const NODE = "Node-1";
const OLD = KUBELET_PICKUP_MS + 1;

/** The kubelet's JSON for these pods, read back as rower reads it. */
function kubelet(...shapes: StaticPodShape[]): KubeletPod[] {
  const parsed = parsePodList(Buffer.from(JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: {}, items: shapes.map((s) => staticPod(s, NODE)) })));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.pods;
}

const web = (ageMs = OLD): ManagedPod => ({ pod: "default/web", file: "web.yaml", ageMs });

describe("joinPodStates", () => {
  it.each([
    { desc: "running", pods: kubelet({ name: "web", phase: "Running", containers: [{ name: "c" }] }), expected: { state: "running" } },
    { desc: "pending: an image that cannot be pulled", pods: kubelet({ name: "web", phase: "Pending", containers: [{ name: "c", waiting: "ImagePullBackOff" }] }), expected: { state: "pending", reason: "ImagePullBackOff" } },
    { desc: "pending: a crash loop in a running pod", pods: kubelet({ name: "web", phase: "Running", containers: [{ name: "a" }, { name: "b", waiting: "CrashLoopBackOff" }] }), expected: { state: "pending", reason: "CrashLoopBackOff" } },
    { desc: "pending: an init container's reason first", pods: kubelet({ name: "web", phase: "Pending", initContainers: [{ name: "i", waiting: "ErrImagePull" }], containers: [{ name: "c", waiting: "PodInitializing" }] }), expected: { state: "pending", reason: "Init:ErrImagePull" } },
    { desc: "pending: a telling reason over ContainerCreating", pods: kubelet({ name: "web", phase: "Pending", containers: [{ name: "a", waiting: "ContainerCreating" }, { name: "b", waiting: "CreateContainerConfigError" }] }), expected: { state: "pending", reason: "CreateContainerConfigError" } },
    { desc: "pending: not started, no container status yet", pods: kubelet({ name: "web", phase: "Pending", containers: [] }), expected: { state: "pending", reason: "Pending" } },
    { desc: "not taken: rejected at admission", pods: kubelet({ name: "web", phase: "Failed", reason: "OutOfcpu", message: "Pod was rejected: Node didn't have enough resource: cpu", containers: [] }), expected: { state: "not-taken", reason: "OutOfcpu" } },
    { desc: "not taken: not listed, the file older than the kubelet's re-list", pods: kubelet(), expected: { state: "not-taken", reason: "NotListedByKubelet" } },
    { desc: "pending: not listed yet, the file just written", pods: kubelet(), managed: [web(500)], expected: { state: "pending", reason: "KubeletNotSeenYet" } },
    { desc: "not taken: a pod of the same name from another source is not ours", pods: kubelet({ name: "web", phase: "Running", containers: [{ name: "c" }], source: "http" }), expected: { state: "not-taken", reason: "NotListedByKubelet" } },
    { desc: "terminated: ran to completion", pods: kubelet({ name: "web", phase: "Succeeded", containers: [{ name: "c" }] }), expected: { state: "terminated", reason: "Succeeded" } },
    { desc: "unknown: the kubelet did not answer", pods: undefined, expected: { state: "unknown" } },
  ])("$desc", ({ pods, managed, expected }) => {
    expect(joinPodStates(managed ?? [web()], pods, NODE)).toEqual([{ pod: "default/web", file: "web.yaml", ...expected }]);
  });

  it("matches namespace and `<name>-<node>` (node lower-cased, as the kubelet names it)", () => {
    const pods = kubelet({ name: "web", namespace: "ops", phase: "Running", containers: [{ name: "c" }] }, { name: "web", phase: "Pending", containers: [{ name: "c", waiting: "ErrImagePull" }] });
    expect(joinPodStates([{ pod: "ops/web", file: "ops_web.yaml", ageMs: OLD }, web()], pods, NODE)).toEqual([
      { pod: "ops/web", file: "ops_web.yaml", state: "running" },
      { pod: "default/web", file: "web.yaml", state: "pending", reason: "ErrImagePull" },
    ]);
    expect(joinPodStates([web()], pods, "another-node")).toEqual([{ pod: "default/web", file: "web.yaml", state: "not-taken", reason: "NotListedByKubelet" }]);
  });

  it("counts every state, zeros included", () => {
    expect(countStates([{ pod: "a", file: "a", state: "running" }, { pod: "b", file: "b", state: "running" }, { pod: "c", file: "c", state: "unknown" }]))
      .toEqual({ running: 2, pending: 0, terminated: 0, "not-taken": 0, unknown: 1 });
  });

  it.each([
    { desc: "not JSON", body: "<html>", message: /not JSON \(6 bytes\)/ },
    { desc: "not a PodList", body: "[1]", message: /not a PodList/ },
    { desc: "items not a list", body: '{"items": {}}', message: /not a PodList/ },
  ])("parsePodList refuses $desc without quoting it", ({ body, message }) => {
    const parsed = parsePodList(Buffer.from(body));
    expect(parsed).toEqual({ ok: false, message: expect.stringMatching(message) });
  });

  it("parsePodList takes an empty list with items: null", () => {
    expect(parsePodList(Buffer.from('{"kind":"PodList","apiVersion":"v1","metadata":{},"items":null}'))).toEqual({ ok: true, pods: [] });
  });
});
