// The status document rower publishes to the cloud (GCE guest attribute rower/status): what the
// machine applied and what runs, readable with `gcloud compute instances get-guest-attributes`
// without logging in. Built from the daemon's state snapshot; pure. It carries no payload bytes
// and no offending values (those may be secrets; anyone allowed to read guest attributes reads
// this), only revisions, digests, pod names, states and messages. Bounded: pods past the bound
// are counted, not listed.
import type { StateSnapshot } from "../daemon/daemon-state.js";
import { podKeyOfManifestFile } from "../naming/manifest-naming.js";

export const STATUS_DOCUMENT_VERSION = 1;
/** rower's own bound, small next to any metadata value and cheap to write often. */
export const MAX_STATUS_DOCUMENT_BYTES = 4096;
const MAX_MESSAGE_CHARS = 300;

export interface StatusDocument {
  version: typeof STATUS_DOCUMENT_VERSION;
  node: string;
  source: string;
  /** The latest revision read, applied or not. */
  revision?: string;
  /** The revision the manifest directory holds, and the sha256 of its payload. */
  appliedRevision?: string;
  digest?: string;
  lastSync?: { result: string; time: string };
  lastError?: string;
  pods: Array<{ pod: string; state?: string; reason?: string }>;
  /** Pods not listed to stay within MAX_STATUS_DOCUMENT_BYTES. */
  podsOmitted?: number;
  time: string;
}

function clip(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS)}…`;
}

/** Everything but the time: equal contents need no new write. */
export function statusContent(snapshot: StateSnapshot, node: string): Omit<StatusDocument, "time"> {
  const states = new Map((snapshot.pods ?? []).map((p) => [p.file, p]));
  const pods = snapshot.record.map(({ file }) => {
    const key = podKeyOfManifestFile(file);
    const observed = states.get(file);
    const entry: StatusDocument["pods"][number] = { pod: key === undefined ? file : `${key.namespace}/${key.name}` };
    if (observed !== undefined) entry.state = observed.state;
    if (observed?.reason !== undefined) entry.reason = observed.reason;
    return entry;
  }).sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
  // Keys in reading order: what was read and applied, how the last sync went, what runs.
  const digest = snapshot.appliedRevision === undefined ? undefined : /^sha256:([0-9a-f]{64})/.exec(snapshot.appliedRevision)?.[1];
  return {
    version: STATUS_DOCUMENT_VERSION, node, source: snapshot.source,
    ...(snapshot.revision === undefined ? {} : { revision: snapshot.revision }),
    ...(snapshot.appliedRevision === undefined ? {} : { appliedRevision: snapshot.appliedRevision }),
    ...(digest === undefined ? {} : { digest: `sha256:${digest}` }),
    ...(snapshot.lastSync === undefined ? {} : { lastSync: { result: snapshot.lastSync.result, time: snapshot.lastSync.time.toISOString() } }),
    ...(snapshot.lastError === undefined ? {} : { lastError: clip(snapshot.lastError.message) }),
    pods,
  };
}

/** The document's text, with pods dropped from the end (and counted) until it fits. */
export function renderStatusDocument(content: Omit<StatusDocument, "time">, time: Date): string {
  const all = content.pods;
  let kept = all.length;
  for (;;) {
    const document: StatusDocument = { ...content, pods: all.slice(0, kept), time: time.toISOString() };
    if (kept < all.length) document.podsOmitted = all.length - kept;
    const text = JSON.stringify(document);
    if (Buffer.byteLength(text) <= MAX_STATUS_DOCUMENT_BYTES || kept === 0) return text;
    kept = Math.floor(kept / 2);
  }
}
