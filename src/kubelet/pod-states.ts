// What runs, joined with what rower wrote: each pod rower manages is matched to the static pod
// the kubelet made of its file (same namespace, name `<name>-<node>` as generatePodName lowers
// it, config source `file`) and given one state:
// - running:    the kubelet runs it and no container waits;
// - pending:    a container waits (its reason: ImagePullBackOff, CrashLoopBackOff, …), the pod is
//               not started yet, or the file is younger than the kubelet's re-list period;
// - terminated: it ran to completion (phase Succeeded or Failed, restartPolicy Never/OnFailure);
// - not-taken:  the kubelet lists no such pod although the file is older than the re-list period
//               (it refused to read it: a rule rower missed), or it rejected the pod at admission
//               (phase Failed, "Pod was rejected: …": out of cpu, memory, node affinity…);
// - unknown:    the kubelet could not be asked.
// Pure: the kubelet's list, the record and the files' ages in; states out.
import type { KubeletPod } from "./kubelet-pods.js";

export const POD_STATES = ["running", "pending", "terminated", "not-taken", "unknown"] as const;
export type PodStateName = (typeof POD_STATES)[number];

export interface PodState {
  /** `namespace/name`, as the state file names managed pods. */
  pod: string;
  file: string;
  state: PodStateName;
  /** Why pending, terminated or not taken: a container's waiting reason, the kubelet's reason. */
  reason?: string;
}

/** The kubelet re-lists its static-pod directory this often (fileCheckFrequency 20s), beyond inotify. */
export const KUBELET_PICKUP_MS = 20_000;
/** Transitional waits that say less than another container's reason. */
const TRANSITIONAL = new Set(["ContainerCreating", "PodInitializing"]);
const REJECTED_PREFIX = "Pod was rejected";

export interface ManagedPod {
  /** `namespace/name`. */
  pod: string;
  file: string;
  /** How long ago the file was last written (ms), when known. */
  ageMs?: number;
}

export function joinPodStates(managed: readonly ManagedPod[], kubeletPods: readonly KubeletPod[] | undefined, nodeName: string): PodState[] {
  const byName = new Map<string, KubeletPod>();
  for (const pod of kubeletPods ?? []) {
    if (pod.configSource === "file") byName.set(`${pod.namespace}/${pod.name}`, pod);
  }
  const node = nodeName.toLowerCase();
  return managed.map(({ pod, file, ageMs }): PodState => {
    if (kubeletPods === undefined) return { pod, file, state: "unknown" };
    const [namespace, name] = pod.split("/", 2);
    const found = byName.get(`${namespace}/${name}-${node}`);
    if (found === undefined) {
      return ageMs !== undefined && ageMs < KUBELET_PICKUP_MS
        ? { pod, file, state: "pending", reason: "KubeletNotSeenYet" }
        : { pod, file, state: "not-taken", reason: "NotListedByKubelet" };
    }
    return { pod, file, ...stateOf(found) };
  });
}

function stateOf(pod: KubeletPod): { state: PodStateName; reason?: string } {
  if (pod.phase === "Failed" && pod.message?.startsWith(REJECTED_PREFIX) === true) return { state: "not-taken", reason: pod.reason ?? "Rejected" };
  if (pod.phase === "Succeeded" || pod.phase === "Failed") return { state: "terminated", reason: pod.reason ?? pod.phase };
  const waiting = pod.containers.filter((c) => c.waiting !== undefined);
  const telling = waiting.find((c) => !TRANSITIONAL.has(c.waiting ?? "")) ?? waiting[0];
  if (telling?.waiting !== undefined) return { state: "pending", reason: telling.init ? `Init:${telling.waiting}` : telling.waiting };
  if (pod.phase === "Running") return { state: "running" };
  return { state: "pending", reason: pod.reason ?? pod.phase ?? "Pending" };
}

/** How many pods are in each state, every state named (zero included) so a gauge drops to 0. */
export function countStates(states: readonly PodState[]): Record<PodStateName, number> {
  const counts = Object.fromEntries(POD_STATES.map((s) => [s, 0])) as Record<PodStateName, number>;
  for (const s of states) counts[s.state]++;
  return counts;
}
