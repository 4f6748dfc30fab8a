// Misbehaviour the emulator can be told to show, consumed request by request, so tests
// can prove that every error kind reaches the sync loop as a value. Faults meet metadata
// requests only (never `/_emulator/` itself), optionally only those under one path prefix.

export interface FaultSettings {
  /** Added before answering, in ms: to the next `count` requests, or to every one without `count`. */
  delayMs?: number;
  /** Answer the next `count` requests (default 1) with this status. */
  status?: number;
  count?: number;
  /** Destroy the socket of the next N requests before answering. */
  reset?: number;
  /** Send only half of the next N bodies, then destroy the socket. */
  truncate?: number;
  /** Only requests whose path starts with this meet the faults, e.g. `/computeMetadata/v1/project/`. */
  path?: string;
}

/** What one request meets: a delay first, then a reset, a status, a truncated body or nothing. */
export interface RequestFaults {
  delayMs: number;
  action: { kind: "reset" } | { kind: "status"; status: number } | { kind: "truncate" } | { kind: "none" };
}

const NO_FAULTS: RequestFaults = { delayMs: 0, action: { kind: "none" } };

export class FaultPlan {
  private delayMs = 0;
  /** Requests still delayed; Infinity when the delay was set without a count. */
  private delaysRemaining = 0;
  private statusCode = 0;
  private statusRemaining = 0;
  private resetsRemaining = 0;
  private truncationsRemaining = 0;
  private pathPrefix = "";

  configure(settings: FaultSettings): void {
    if (settings.path !== undefined) this.pathPrefix = settings.path;
    if (settings.delayMs !== undefined) {
      this.delayMs = settings.delayMs;
      this.delaysRemaining = settings.count ?? Infinity;
    }
    if (settings.status !== undefined) {
      this.statusCode = settings.status;
      this.statusRemaining = settings.count ?? 1;
    }
    if (settings.reset !== undefined) this.resetsRemaining = settings.reset;
    if (settings.truncate !== undefined) this.truncationsRemaining = settings.truncate;
  }

  clear(): void {
    this.delayMs = 0;
    this.delaysRemaining = 0;
    this.statusRemaining = 0;
    this.resetsRemaining = 0;
    this.truncationsRemaining = 0;
    this.pathPrefix = "";
  }

  /** The faults one metadata request meets, each consumed from its count. */
  takeRequestFaults(path: string): RequestFaults {
    if (!path.startsWith(this.pathPrefix)) return NO_FAULTS;
    let delayMs = 0;
    if (this.delaysRemaining > 0 && this.delayMs > 0) {
      this.delaysRemaining -= 1;
      delayMs = this.delayMs;
    }
    if (this.resetsRemaining > 0) {
      this.resetsRemaining -= 1;
      return { delayMs, action: { kind: "reset" } };
    }
    if (this.statusRemaining > 0) {
      this.statusRemaining -= 1;
      return { delayMs, action: { kind: "status", status: this.statusCode } };
    }
    if (this.truncationsRemaining > 0) {
      this.truncationsRemaining -= 1;
      return { delayMs, action: { kind: "truncate" } };
    }
    return { delayMs, action: { kind: "none" } };
  }
}
