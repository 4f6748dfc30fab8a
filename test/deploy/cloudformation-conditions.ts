// Evaluates a CloudFormation template's Conditions for given parameter values, enough
// to check what a stack with those values would contain: Fn::Equals/Not/And/Or over Refs
// to parameters (their Default when not given) and other conditions, and Fn::If.
import type { CloudFormationTemplate } from "./launch-material.js";

export type ParameterValues = Record<string, string>;

function resolveValue(template: CloudFormationTemplate, parameters: ParameterValues, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref !== "string") return value;
  if (ref in parameters) return parameters[ref];
  const declared = template.Parameters?.[ref] as { Default?: unknown } | undefined;
  if (!declared) throw new Error(`Ref ${ref} is not a parameter`);
  if (declared.Default === undefined) throw new Error(`parameter ${ref} has no value and no Default`);
  return String(declared.Default);
}

export function evaluateCondition(template: CloudFormationTemplate, parameters: ParameterValues, condition: unknown): boolean {
  if (typeof condition === "string") {
    const named = template.Conditions?.[condition];
    if (named === undefined) throw new Error(`no condition named ${condition}`);
    return evaluateCondition(template, parameters, named);
  }
  const [fn, args] = Object.entries(condition as Record<string, unknown>)[0] ?? [];
  const list = Array.isArray(args) ? args : [];
  switch (fn) {
    case "Condition":
      return evaluateCondition(template, parameters, args);
    case "Fn::Not":
      return !evaluateCondition(template, parameters, list[0]);
    case "Fn::And":
      return list.every((item) => evaluateCondition(template, parameters, item));
    case "Fn::Or":
      return list.some((item) => evaluateCondition(template, parameters, item));
    case "Fn::Equals":
      return resolveValue(template, parameters, list[0]) === resolveValue(template, parameters, list[1]);
    default:
      throw new Error(`not a condition function: ${String(fn)}`);
  }
}

/**
 * The value as a stack with these parameters sees it: every Fn::If chosen, Refs to
 * parameters replaced by their values, AWS::NoValue as undefined (other Refs stay).
 */
export function resolveForStack(template: CloudFormationTemplate, parameters: ParameterValues, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveForStack(template, parameters, item));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record.Ref === "AWS::NoValue") return undefined;
  if (typeof record.Ref === "string" && template.Parameters?.[record.Ref]) return resolveValue(template, parameters, record);
  const branches = record["Fn::If"];
  if (Array.isArray(branches)) {
    const [condition, whenTrue, whenFalse] = branches;
    return resolveForStack(template, parameters, evaluateCondition(template, parameters, condition) ? whenTrue : whenFalse);
  }
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, resolveForStack(template, parameters, inner)]));
}

/** The resources a stack with these parameters creates: those without a false Condition. */
export function createdResources(template: CloudFormationTemplate, parameters: ParameterValues): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Condition === undefined || evaluateCondition(template, parameters, resource.Condition))
    .map(([name]) => name);
}
