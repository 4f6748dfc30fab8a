import type { V1Pod } from "@kubernetes/client-node";
import type { LocatedError, Origin } from "../errors/field-error.js";

/** A pod that passed every layer, with the origin it came from. */
export interface ValidPod {
  origin: Origin;
  pod: V1Pod;
}

/** The verdict on one document: what it claimed to be, and every error found in it. */
export interface DocumentResult {
  origin: Origin;
  kind?: string;
  name?: string;
  namespace?: string;
  errors: LocatedError[];
}

export interface ValidationResult {
  valid: boolean;
  documents: DocumentResult[];
  /** Only filled when `valid`: the set is applied all or nothing. */
  pods: ValidPod[];
}
