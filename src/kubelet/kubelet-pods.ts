// The kubelet's `GET /pods` (pkg/kubelet/server/server.go getPods): a v1 PodList of every pod
// the kubelet runs, static pods under their generated names (`<name>-<node>`, config/common.go
// generatePodName) with annotations `kubernetes.io/config.source` (`file` for the static-pod
// directory) and `kubernetes.io/config.hash`, and for static pods the status manager's status
// (kubelet_getters.go GetPods: without an API server this is the only place it shows).
// Read over mTLS: the kubelet authenticates clients by certificate (x509 clientCAFile).
import { readFile } from "node:fs/promises";
import type { KubeletEndpoint } from "../config/config.js";
import { fetchBytes } from "../sources/http-fetch.js";
import { arrayOf, recordOf, stringOf, type JsonRecord } from "../validate/semantics/read-json.js";

export const CONFIG_SOURCE_ANNOTATION = "kubernetes.io/config.source";
export const CONFIG_HASH_ANNOTATION = "kubernetes.io/config.hash";
/** A hundred pods with their status are a few hundred KiB; this bounds a misbehaving endpoint. */
const MAX_PODLIST_BYTES = 16 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 1000;
const RESPONSE_TIMEOUT_MS = 10_000;

export interface ContainerView {
  name: string;
  init: boolean;
  /** `state.waiting.reason` (ImagePullBackOff, CrashLoopBackOff…), when the container waits. */
  waiting?: string;
}

/** What rower reads of one pod in the list. */
export interface KubeletPod {
  namespace: string;
  name: string;
  /** `kubernetes.io/config.source`: `file` for a static pod from the manifest directory. */
  configSource?: string;
  phase?: string;
  reason?: string;
  message?: string;
  containers: ContainerView[];
}

export type KubeletPodsResult = { ok: true; pods: KubeletPod[] } | { ok: false; message: string };

export async function fetchKubeletPods(endpoint: KubeletEndpoint, signal: AbortSignal): Promise<KubeletPodsResult> {
  let tls: { ca: Buffer; cert: Buffer; key: Buffer };
  try {
    // Read for each request: the files may appear (first boot) or be replaced while rower runs.
    const [ca, cert, key] = await Promise.all([readFile(endpoint.ca), readFile(endpoint.cert), readFile(endpoint.key)]);
    tls = { ca, cert, key };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === undefined) throw err;
    return { ok: false, message: `cannot read ${e.path ?? "the mTLS files"}: ${e.code}` };
  }
  const result = await fetchBytes({
    url: `${endpoint.url}/pods`, headers: { accept: "application/json" }, signal, maxBytes: MAX_PODLIST_BYTES,
    connectTimeoutMs: CONNECT_TIMEOUT_MS, responseTimeoutMs: RESPONSE_TIMEOUT_MS, tls,
  });
  if (!result.ok) return { ok: false, message: result.message };
  if (result.status === 401) return { ok: false, message: "the kubelet answered 401: it does not accept this client certificate (is it issued by its clientCAFile?)" };
  if (result.status !== 200) return { ok: false, message: `the kubelet answered ${result.status}` };
  return parsePodList(result.bytes);
}

export function parsePodList(bytes: Uint8Array): KubeletPodsResult {
  let list: unknown;
  try {
    list = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    // The parser's message quotes the answer: say what, not which bytes.
    return { ok: false, message: `the kubelet's /pods is not JSON (${bytes.byteLength} bytes)` };
  }
  const record = recordOf(list);
  const items = record?.["items"];
  // An empty PodList may carry `items: null`.
  if (record === undefined || (items !== undefined && items !== null && !Array.isArray(items))) {
    return { ok: false, message: "the kubelet's /pods is not a PodList" };
  }
  return { ok: true, pods: arrayOf(items).flatMap((item) => podOf(recordOf(item))) };
}

function podOf(pod: JsonRecord | undefined): KubeletPod[] {
  const metadata = recordOf(pod?.["metadata"]);
  const name = stringOf(metadata?.["name"]);
  if (pod === undefined || name === undefined) return [];
  const status = recordOf(pod["status"]);
  const view: KubeletPod = {
    namespace: stringOf(metadata?.["namespace"]) ?? "default",
    name,
    containers: [
      ...arrayOf(status?.["initContainerStatuses"]).flatMap((c) => containerOf(recordOf(c), true)),
      ...arrayOf(status?.["containerStatuses"]).flatMap((c) => containerOf(recordOf(c), false)),
    ],
  };
  const configSource = stringOf(recordOf(metadata?.["annotations"])?.[CONFIG_SOURCE_ANNOTATION]);
  if (configSource !== undefined) view.configSource = configSource;
  for (const field of ["phase", "reason", "message"] as const) {
    const value = stringOf(status?.[field]);
    if (value !== undefined) view[field] = value;
  }
  return [view];
}

function containerOf(status: JsonRecord | undefined, init: boolean): ContainerView[] {
  const name = stringOf(status?.["name"]);
  if (status === undefined || name === undefined) return [];
  const waiting = recordOf(recordOf(status["state"])?.["waiting"]);
  const reason = waiting === undefined ? undefined : stringOf(waiting["reason"]) ?? "Waiting";
  return [reason === undefined ? { name, init } : { name, init, waiting: reason }];
}
