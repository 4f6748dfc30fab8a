// A policy file, read and compiled into the admission check validate and diff run.
import { compilePolicy, type PolicyCheck } from "./check-policy.js";
import type { Policy } from "./policy.js";
import { readPolicyFile } from "./read-policy-file.js";

export type LoadedPolicyCheck = { ok: true; policy: Policy; check: PolicyCheck } | { ok: false; problems: string[] };

export async function loadPolicyCheck(path: string): Promise<LoadedPolicyCheck> {
  const read = await readPolicyFile(path);
  return read.ok ? { ok: true, policy: read.policy, check: compilePolicy(read.policy) } : read;
}
