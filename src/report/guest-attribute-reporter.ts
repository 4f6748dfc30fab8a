// `--report-guest-attributes`: publishes the status document to the GCE metadata server as the
// guest attribute rower/status (PUT computeMetadata/v1/instance/guest-attributes/rower/status,
// Metadata-Flavor: Google). Google documents at most 10 guest-attribute queries a minute per VM,
// bursts of 3 a second, and may drop writes past that: rower writes only when the content
// changed, lets a burst of changes settle first, and never writes twice within 10 s.
// A failure to publish (attributes not enabled, metadata server unreachable) is logged on each
// change of its reason and retried later; it never touches syncing.
import type { StateSnapshot } from "../daemon/daemon-state.js";
import type { EventLog } from "../daemon/event-log.js";
import { waitFor } from "../daemon/abortable-delay.js";
import { GCE_FLAVOR, GCE_FLAVOR_HEADER, GCE_REQUEST_HEADERS, gceEndpointFor } from "../sources/gce.js";
import { fetchBytes, headerValue } from "../sources/http-fetch.js";
import { renderStatusDocument, statusContent } from "./status-document.js";
import { monotonicMs } from "../clock/monotonic-ms.js";

export const GUEST_ATTRIBUTE_PATH = "instance/guest-attributes/rower/status";
export const MIN_PUBLISH_INTERVAL_MS = 10_000;
/** Changes this close together (a sync, then the kubelet's view of it) are one write. */
const SETTLE_MS = 1_000;
const RETRY_MS = 30_000;
/** Waiting for a change: the longest timer Node keeps. */
const IDLE_MS = 2 ** 31 - 1;

export interface GuestAttributeReporterOptions {
  /** The metadata server's base, e.g. http://169.254.169.254. */
  endpoint: string;
  nodeName: string;
  log: EventLog;
  signal: AbortSignal;
  /** Tests shorten these; the defaults keep to the metadata server's documented rate. */
  minIntervalMs?: number;
  settleMs?: number;
}

export interface GuestAttributeReporter {
  /** The daemon's state changed: publish it if its content did. */
  update(snapshot: StateSnapshot): void;
  done: Promise<void>;
}

type PublishResult = { ok: true } | { ok: false; reason: string };

export function startGuestAttributeReporter(options: GuestAttributeReporterOptions): GuestAttributeReporter {
  const { log, signal } = options;
  const minIntervalMs = options.minIntervalMs ?? MIN_PUBLISH_INTERVAL_MS;
  const settleMs = options.settleMs ?? SETTLE_MS;
  let latest: ReturnType<typeof statusContent> | undefined;
  let published = "";
  let lastWriteAt = -Infinity;
  let lastFailure: string | undefined;
  let wake = new AbortController();

  const publish = async (text: string): Promise<PublishResult> => {
    const result = await fetchBytes({
      url: gceEndpointFor(options.endpoint, GUEST_ATTRIBUTE_PATH), method: "PUT", headers: { ...GCE_REQUEST_HEADERS, "content-type": "application/json" },
      body: Buffer.from(text), signal, maxBytes: 64 * 1024, connectTimeoutMs: 1000, responseTimeoutMs: 5000,
    });
    if (!result.ok) return { ok: false, reason: result.message };
    if (headerValue(result.headers, GCE_FLAVOR_HEADER) !== GCE_FLAVOR) return { ok: false, reason: `no ${GCE_FLAVOR_HEADER}: ${GCE_FLAVOR} on the answer: not the GCE metadata server` };
    if (result.status === 403) return { ok: false, reason: "guest attributes are not enabled on this VM (metadata enable-guest-attributes=TRUE enables them)" };
    if (result.status !== 200) return { ok: false, reason: `the metadata server answered ${result.status}` };
    return { ok: true };
  };

  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      if (latest === undefined || JSON.stringify(latest) === published) {
        await waitFor(IDLE_MS, AbortSignal.any([signal, wake.signal]));
        if (signal.aborted) return;
        wake = new AbortController();
        if (latest !== undefined && JSON.stringify(latest) === published) log.debug("report.unchanged", { path: GUEST_ATTRIBUTE_PATH });
        continue;
      }
      // Let a burst settle, and keep to the write rate the metadata server allows.
      wake = new AbortController();
      await waitFor(Math.max(settleMs, lastWriteAt + minIntervalMs - monotonicMs()), signal);
      if (signal.aborted || latest === undefined) return;
      const content = latest;
      const text = renderStatusDocument(content, new Date());
      lastWriteAt = monotonicMs();
      const result = await publish(text).catch((err: unknown) => {
        if (signal.aborted) return undefined;
        throw err;
      });
      if (result === undefined) return;
      if (result.ok) {
        published = JSON.stringify(content);
        if (lastFailure !== undefined) log.info("report.recovered", { path: GUEST_ATTRIBUTE_PATH });
        lastFailure = undefined;
        log.info("report.published", { path: GUEST_ATTRIBUTE_PATH, bytes: Buffer.byteLength(text), pods: content.pods.length });
        continue;
      }
      if (result.reason !== lastFailure) log.warn("report.failed", { path: GUEST_ATTRIBUTE_PATH, reason: result.reason, retryInMs: RETRY_MS, action: "syncing is not affected" });
      lastFailure = result.reason;
      await waitFor(RETRY_MS, signal);
    }
  };

  return {
    update(snapshot) {
      latest = statusContent(snapshot, options.nodeName);
      wake.abort();
    },
    done: run(),
  };
}
