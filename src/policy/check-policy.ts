// A policy compiled into one admission check: pod → Forbidden field errors, each with the rule
// that fired (`policy.<rule>`, `policy.podSecurity.<check ID>`) and a detail that starts with
// the policy rule's name, so `rower validate --policy` and a refused revision read the same.
// The pod is checked as the kubelet's decoder defaults it, as admission sees a defaulted pod:
// under hostNetwork every containerPort is a hostPort.
import { forbidden, type FieldError } from "../errors/field-error.js";
import { defaultPod } from "../validate/defaults/default-pod.js";
import { compileLocalRules } from "./local-rules.js";
import { BASELINE_CHECKS, type PodSecurityCheck } from "./pod-security-baseline.js";
import { RESTRICTED_CHECKS } from "./pod-security-restricted.js";
import type { Policy } from "./policy.js";
import { viewPod } from "./pod-walk.js";

export type PolicyCheck = (pod: unknown) => FieldError[];

/** The checks a Pod Security Standards level runs (privileged runs none). */
export function podSecurityChecks(level: Policy["podSecurity"]): readonly PodSecurityCheck[] {
  if (level === "baseline") return BASELINE_CHECKS;
  if (level === "restricted") return RESTRICTED_CHECKS;
  return [];
}

export function compilePolicy(policy: Policy): PolicyCheck {
  const level = policy.podSecurity;
  const checks = podSecurityChecks(level);
  const local = compileLocalRules(policy);
  return (pod) => {
    const view = viewPod(defaultPod(pod));
    const standard = checks.flatMap((check) => check.check(view).map((v) => forbidden(v.path, {
      rule: `policy.podSecurity.${check.id}`,
      detail: `policy podSecurity (${level ?? "privileged"}, check ${check.id}): ${v.detail}`,
    })));
    const own = local(view).map((v) => forbidden(v.path, { rule: `policy.${v.rule}`, detail: `policy ${v.rule}: ${v.detail}` }));
    return [...standard, ...own];
  };
}
