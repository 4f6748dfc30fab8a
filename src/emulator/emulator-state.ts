// What one emulator serves: GCE attributes, EC2 user-data/tags/tokens, Azure userData.
// The served file's bytes land in the slot its kind reads (GCE instance attribute K,
// EC2 and Azure user data); the admin API edits every slot.
import { ChangeNotifier } from "./change-notifier.js";
import { FaultPlan } from "./fault-plan.js";

export type EmulatorKind = "gce" | "ec2" | "azure";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export class EmulatorState {
  readonly instanceAttributes = new Map<string, Buffer>();
  readonly projectAttributes = new Map<string, Buffer>();
  readonly tags = new Map<string, string>();
  /** GCE guest attributes the VM wrote: namespace -> key -> value. */
  readonly guestAttributes = new Map<string, Map<string, string>>();
  userData: Buffer | undefined;
  /** IMDSv2 tokens and when they expire (ms since epoch). */
  readonly tokens = new Map<string, number>();
  /** EC2: accept requests without a token (HttpTokens=optional). */
  imdsv1 = false;
  readonly faults = new FaultPlan();
  readonly notifier = new ChangeNotifier();
  readonly requests: RecordedRequest[] = [];
  /** Why the served file could not be read last time, if it could not. */
  fileError: string | undefined;

  constructor(
    readonly kind: EmulatorKind,
    readonly key: string,
  ) {}

  /** Puts the served file's bytes (or their absence) where this kind serves them. */
  setServedValue(bytes: Buffer | undefined): void {
    if (this.kind === "gce") {
      if (bytes === undefined) this.instanceAttributes.delete(this.key);
      else this.instanceAttributes.set(this.key, bytes);
    } else {
      this.userData = bytes;
    }
    this.notifier.notifyChange();
  }

  recordRequest(request: RecordedRequest): void {
    // Bounded: a long-running `rower emulate` must not grow without limit.
    if (this.requests.length >= 1000) this.requests.shift();
    this.requests.push(request);
  }
}
