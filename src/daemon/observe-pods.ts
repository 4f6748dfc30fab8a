// The kubelet's answer joined with the files rower holds now: each file on the ownership
// record becomes a managed pod (with how long ago it was written), matched to what the kubelet
// lists. Runs in line with the syncs, so the record and the join agree.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { KubeletPodsResult } from "../kubelet/kubelet-pods.js";
import { joinPodStates, type ManagedPod, type PodState } from "../kubelet/pod-states.js";
import type { OwnedFile } from "../manifests/manifest-plan.js";
import { podKeyOfManifestFile } from "../naming/manifest-naming.js";

export async function observePods(record: readonly OwnedFile[], manifestDir: string, answer: KubeletPodsResult, nodeName: string, now: number): Promise<PodState[]> {
  const managed = await Promise.all(record.flatMap(({ file }): Array<Promise<ManagedPod>> => {
    const key = podKeyOfManifestFile(file);
    if (key === undefined) return [];
    const pod = `${key.namespace}/${key.name}`;
    return [stat(join(manifestDir, file)).then(
      (info) => ({ pod, file, ageMs: now - info.mtimeMs }),
      // A file gone since the last sync: the next drift repair restores it; its age is unknown.
      (err: unknown) => {
        if ((err as NodeJS.ErrnoException | undefined)?.code === undefined) throw err;
        return { pod, file };
      },
    )];
  }));
  return joinPodStates(managed, answer.ok ? answer.pods : undefined, nodeName);
}
