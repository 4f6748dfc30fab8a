// The one interface every metadata provider implements; the sync loop never branches on the cloud.

/** "auto": a source still detecting its platform (see create-source.ts). */
export type SourceKind = "gce" | "ec2" | "azure" | "file" | "url" | "auto";

/**
 * The detached signature a source read with the value (`--trust`), in the same answer where
 * the transport allows: `from` names where it was looked for, `bytes` is its text, absent when
 * nothing was there.
 */
export interface SignatureLookup {
  from: string;
  bytes?: Uint8Array;
}

/**
 * The current value: its bytes, or absent (the key is not set), plus a revision. With a
 * signature lookup, the revision covers the signature too: a new signature is a new revision.
 * `signedBy`: the id of the trusted key that verified it (set by trust/verify-revision.ts).
 */
export type Payload =
  | { kind: "present"; source: string; revision: string; bytes: Uint8Array; signature?: SignatureLookup; signedBy?: string }
  | { kind: "absent"; source: string; revision: string };

export type SourceErrorKind = "unreachable" | "timeout" | "http-status" | "too-large" | "protocol";

/** Errors are values: the loop decides what they mean (backoff, readiness). */
export interface SourceError {
  kind: "error";
  source: string;
  errorKind: SourceErrorKind;
  message: string;
  status?: number;
}

/**
 * A completed round-trip that brought no new revision (a long poll that timed out, a 304, a
 * file re-check): the watch is alive and waiting, not hung.
 */
export interface SourceContact {
  kind: "contact";
  source: string;
}

export interface Source {
  readonly kind: SourceKind;
  /** Human name used as the origin of every document, e.g. `gce:instance/attributes/kube-pods`. */
  readonly name: string;
  /**
   * The longest a healthy watch goes without yielding anything (a revision, an error or a
   * contact). A watch silent for longer is stale: its request hangs or its events stopped.
   */
  readonly staleAfterMs: number;
  read(signal: AbortSignal): Promise<Payload | SourceError>;
  /** Yields each new revision, errors, and a contact after each round-trip that brought neither; ends when the signal aborts. */
  watch(signal: AbortSignal): AsyncIterable<Payload | SourceError | SourceContact>;
}
