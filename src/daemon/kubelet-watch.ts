// `--kubelet`: asks the kubelet what runs, every KUBELET_POLL_MS and soon after rower changed the
// directory (the kubelet sees a new file within a second through inotify), and hands each answer
// to the loop, which joins it with the files it holds. Reads only: it never affects syncing.
import type { KubeletEndpoint } from "../config/config.js";
import { fetchKubeletPods, type KubeletPodsResult } from "../kubelet/kubelet-pods.js";
import { waitFor } from "./abortable-delay.js";

/** Often enough that `status` and the cloud see a crash-looping pod within seconds, rarely enough to cost nothing. */
export const KUBELET_POLL_MS = 5_000;
/** After a change rower made, the kubelet needs a moment to list the pod. */
const AFTER_CHANGE_MS = 1_000;

export interface KubeletWatchOptions {
  endpoint: KubeletEndpoint;
  nodeName: string;
  observe: (answer: KubeletPodsResult, url: string, nodeName: string) => Promise<void>;
  signal: AbortSignal;
  fetchPods?: typeof fetchKubeletPods;
}

export interface KubeletWatch {
  /** Rower changed the directory: ask again shortly. */
  nudge(): void;
  done: Promise<void>;
}

export function startKubeletWatch(options: KubeletWatchOptions): KubeletWatch {
  const fetchPods = options.fetchPods ?? fetchKubeletPods;
  let nudged: AbortController = new AbortController();
  const run = async (): Promise<void> => {
    while (!options.signal.aborted) {
      const answer = await fetchPods(options.endpoint, options.signal).catch((err: unknown) => {
        // A request cut short by the daemon stopping is no answer to record.
        if (options.signal.aborted) return undefined;
        throw err;
      });
      if (answer === undefined) return;
      await options.observe(answer, options.endpoint.url, options.nodeName);
      const wake = nudged.signal;
      if ((await waitFor(KUBELET_POLL_MS, AbortSignal.any([options.signal, wake]))) === "aborted" && wake.aborted && !options.signal.aborted) {
        nudged = new AbortController();
        await waitFor(AFTER_CHANGE_MS, options.signal);
      }
    }
  };
  return {
    nudge: () => nudged.abort(),
    done: run(),
  };
}
