// Misbehaviour the emulator can be told to show, consumed request by request, so tests
// can prove that every error kind reaches the sync loop as a value.

export interface FaultSettings {
  /** Added before every answer, in ms. */
  delayMs?: number;
  /** Answer the next `count` requests with this status. */
  status?: number;
  count?: number;
  /** Destroy the socket of the next N requests before answering. */
  reset?: number;
  /** Send only half of the next N bodies, then destroy the socket. */
  truncate?: number;
}

export type Fault = { kind: "reset" } | { kind: "status"; status: number } | { kind: "truncate" } | { kind: "none" };

export class FaultPlan {
  delayMs = 0;
  private statusCode = 0;
  private statusRemaining = 0;
  private resetsRemaining = 0;
  private truncationsRemaining = 0;

  configure(settings: FaultSettings): void {
    if (settings.delayMs !== undefined) this.delayMs = settings.delayMs;
    if (settings.status !== undefined) {
      this.statusCode = settings.status;
      this.statusRemaining = settings.count ?? 1;
    }
    if (settings.reset !== undefined) this.resetsRemaining = settings.reset;
    if (settings.truncate !== undefined) this.truncationsRemaining = settings.truncate;
  }

  clear(): void {
    this.delayMs = 0;
    this.statusRemaining = 0;
    this.resetsRemaining = 0;
    this.truncationsRemaining = 0;
  }

  /** The fault to apply before answering one request (resets first, then status). */
  takeRequestFault(): Fault {
    if (this.resetsRemaining > 0) {
      this.resetsRemaining -= 1;
      return { kind: "reset" };
    }
    if (this.statusRemaining > 0) {
      this.statusRemaining -= 1;
      return { kind: "status", status: this.statusCode };
    }
    return { kind: "none" };
  }

  /** Whether this answer's body is cut short. */
  takeTruncation(): boolean {
    if (this.truncationsRemaining <= 0) return false;
    this.truncationsRemaining -= 1;
    return true;
  }
}
