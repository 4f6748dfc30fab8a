// The local admission policy as data: what `--policy FILE` declares once it has been read and
// checked (parse-policy.ts). Plain values only, so a policy crosses to the decoding worker
// thread as a copy; every rule is optional and an absent rule restricts nothing.

/** The Pod Security Standards levels; "privileged" is the standard's name for no restriction. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

export interface HostPathPrefix {
  /** Absolute and normalized: no trailing slash (except "/"), no "." or ".." segments. */
  path: string;
  /** Mounts below this prefix may be read-write; otherwise every mount must be readOnly. */
  writable: boolean;
}

/** An inclusive range of host ports; a single port is a range of one. */
export interface PortRange {
  from: number;
  to: number;
}

export interface Policy {
  podSecurity?: PodSecurityLevel;
  /** Globs over the normalized repository (`docker.io/library/nginx`): `*` within a segment, `**` across. */
  registries?: string[];
  requireDigest?: boolean;
  hostPathPrefixes?: HostPathPrefix[];
  hostPorts?: PortRange[];
  /** Capabilities a container may add (`securityContext.capabilities.add`), without the CAP_ prefix. */
  capabilities?: string[];
  /** Resource names every container must limit; empty: the rule is off. */
  requireLimits?: string[];
}

/** The rule names as the policy file spells them: every violation's detail starts with one. */
export type PolicyRule = keyof Policy;

/** `requireLimits: true` means these. */
export const DEFAULT_REQUIRED_LIMITS = ["cpu", "memory"] as const;
