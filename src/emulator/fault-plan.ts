// Misbehaviour the emulator can be told to show, consumed request by request, so tests
// can prove that every error kind reaches the sync loop as a value. Faults meet metadata
// requests only (never `/_emulator/` itself), optionally only those under one path prefix.
import type { BodyFault } from "./send-reply.js";

export interface FaultSettings {
  /** Added before answering, in ms: to the next `count` requests, or to every one without `count`. */
  delayMs?: number;
  /** Answer the next `count` requests (default 1) with this status. */
  status?: number;
  count?: number;
  /** Destroy the socket of the next N requests before answering. */
  reset?: number;
  /** The next N bodies: Content-Length of the whole, half sent, then the socket closed. */
  truncate?: number;
  /** The next N bodies chunked, half sent, the socket closed before the terminating chunk. */
  truncateChunked?: number;
  /** The next N bodies without Content-Length or chunking, whole, delimited by closing the socket. */
  unframed?: number;
  /** The next N bodies without Content-Length or chunking, half sent, then the socket closed. */
  truncateUnframed?: number;
  /** GCE: answer `wait_for_change` at once with the current value, as if the parameter were unknown (until cleared). */
  ignoreWaitForChange?: boolean;
  /** Only requests whose path starts with this meet the faults, e.g. `/computeMetadata/v1/project/`. */
  path?: string;
}

/** What one request meets: a delay first, then a reset, a status, a broken body or nothing. */
export interface RequestFaults {
  delayMs: number;
  ignoreWaitForChange: boolean;
  action: { kind: "reset" } | { kind: "status"; status: number } | { kind: "body"; fault: BodyFault } | { kind: "none" };
}

const NO_FAULTS: RequestFaults = { delayMs: 0, ignoreWaitForChange: false, action: { kind: "none" } };

export class FaultPlan {
  private delayMs = 0;
  /** Requests still delayed; Infinity when the delay was set without a count. */
  private delaysRemaining = 0;
  private statusCode = 0;
  private statusRemaining = 0;
  private resetsRemaining = 0;
  /** Broken bodies still to send, each kind with its own count, taken in this order. */
  private readonly bodyFaults = new Map<BodyFault, number>();
  private pathPrefix = "";
  private ignoreWaitForChange = false;

  configure(settings: FaultSettings): void {
    if (settings.path !== undefined) this.pathPrefix = settings.path;
    if (settings.ignoreWaitForChange !== undefined) this.ignoreWaitForChange = settings.ignoreWaitForChange;
    if (settings.delayMs !== undefined) {
      this.delayMs = settings.delayMs;
      this.delaysRemaining = settings.count ?? Infinity;
    }
    if (settings.status !== undefined) {
      this.statusCode = settings.status;
      this.statusRemaining = settings.count ?? 1;
    }
    if (settings.reset !== undefined) this.resetsRemaining = settings.reset;
    const bodies: Array<[BodyFault, number | undefined]> = [
      ["length-cut", settings.truncate],
      ["chunked-cut", settings.truncateChunked],
      ["close", settings.unframed],
      ["close-cut", settings.truncateUnframed],
    ];
    for (const [fault, count] of bodies) if (count !== undefined) this.bodyFaults.set(fault, count);
  }

  clear(): void {
    this.delayMs = 0;
    this.delaysRemaining = 0;
    this.statusRemaining = 0;
    this.resetsRemaining = 0;
    this.bodyFaults.clear();
    this.pathPrefix = "";
    this.ignoreWaitForChange = false;
  }

  /** The faults one metadata request meets, each consumed from its count. */
  takeRequestFaults(path: string): RequestFaults {
    if (!path.startsWith(this.pathPrefix)) return NO_FAULTS;
    let delayMs = 0;
    if (this.delaysRemaining > 0 && this.delayMs > 0) {
      this.delaysRemaining -= 1;
      delayMs = this.delayMs;
    }
    return { delayMs, ignoreWaitForChange: this.ignoreWaitForChange, action: this.takeAction() };
  }

  /** The one thing instead of a plain answer: a reset, a status, a broken body, or none. */
  private takeAction(): RequestFaults["action"] {
    if (this.resetsRemaining > 0) {
      this.resetsRemaining -= 1;
      return { kind: "reset" };
    }
    if (this.statusRemaining > 0) {
      this.statusRemaining -= 1;
      return { kind: "status", status: this.statusCode };
    }
    for (const [fault, remaining] of this.bodyFaults) {
      if (remaining <= 0) continue;
      this.bodyFaults.set(fault, remaining - 1);
      return { kind: "body", fault };
    }
    return { kind: "none" };
  }
}
