// Pod-level fields of validation.go validatePodSpec that are not about containers or
// volumes: restartPolicy, DNS, tolerations, host names, deadlines, node selection.
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid, required } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkAffinity } from "./affinity.js";
import { checkDns } from "./dns-config.js";
import { checkDns1123Label, checkDns1123Subdomain, checkIp, checkQualifiedName } from "./name-formats.js";
import { checkLabels } from "./object-meta.js";
import { arrayOf, isSet, numberOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { checkPodSecurityContext } from "./security-context.js";
import { checkSupported } from "./supported-values.js";
import { checkTolerations } from "./tolerations.js";
import { checkTopologySpread } from "./topology-spread.js";
import { checkHostProcess, checkOs } from "./os-rules.js";
import { checkPodResources } from "./pod-resources.js";

const RESTART_POLICIES = ["Always", "OnFailure", "Never"] as const;
const MAX_HOSTNAME_OVERRIDE = 64;
const PREEMPTION_POLICIES = ["Never", "PreemptLowerPriority"] as const;
const MAX_INT32 = 2147483647;

export function checkPodSpecFields(spec: JsonRecord, specPath: FieldPath): FieldError[] {
  // concat, not spreads: a spread walks each list, most of them empty, through an iterator
  // that allocates at every step without an optimizing compiler.
  const errs = checkSupported(spec["restartPolicy"], RESTART_POLICIES, specPath.child("restartPolicy"), "spec.restartPolicy.unsupported").concat(
    checkPreemptionPolicy(spec["preemptionPolicy"], specPath.child("preemptionPolicy")),
    checkPodResources(spec, specPath),
    checkHostProcess(spec, specPath),
    checkOs(spec, specPath),
    checkHostnameOverride(spec, specPath),
    checkDns(spec, specPath),
    checkTolerations(spec["tolerations"], specPath.child("tolerations")),
    checkLabels(spec["nodeSelector"], specPath.child("nodeSelector"), "spec.nodeSelector"),
    checkPodSecurityContext(spec, specPath.child("securityContext")),
    checkHostAliases(spec["hostAliases"], specPath.child("hostAliases")),
    checkTopologySpread(spec["topologySpreadConstraints"], specPath.child("topologySpreadConstraints")),
    checkAffinity(spec["affinity"], specPath.child("affinity")),
  );
  for (const field of ["priorityClassName", "runtimeClassName"] as const) {
    const name = stringOf(spec[field]);
    if (name !== undefined && (name !== "" || field === "runtimeClassName")) {
      for (const msg of checkDns1123Subdomain(name)) errs.push(invalid(specPath.child(field), name, { rule: `spec.${field}.format`, detail: msg }));
    }
  }
  arrayOf(spec["readinessGates"]).forEach((gate, i) => {
    const condition = stringOf(recordOf(gate)?.["conditionType"]);
    const at = specPath.child("readinessGates").index(i).child("conditionType");
    if (condition !== undefined) for (const msg of checkQualifiedName(condition)) errs.push(invalid(at, condition, { rule: "spec.readinessGates.conditionType", detail: msg }));
  });
  for (const field of ["hostname", "subdomain"] as const) {
    const name = stringOf(spec[field]);
    if (name) for (const msg of checkDns1123Label(name)) errs.push(invalid(specPath.child(field), name, { rule: `spec.${field}.format`, detail: msg }));
  }
  // A user namespace cannot be combined with the host's other namespaces (validateHostUsers;
  // the API server spells two of these paths capitalised).
  if (spec["hostUsers"] === false) {
    for (const [field, shown] of [["hostNetwork", "hostNetwork"], ["hostPID", "HostPID"], ["hostIPC", "HostIPC"]] as const) {
      if (spec[field] === true) errs.push(forbidden(specPath.child(shown), { rule: "spec.hostUsers.hostNamespace", detail: "when `pod.Spec.HostUsers` is false" }));
    }
  }
  const deadline = numberOf(spec["activeDeadlineSeconds"]);
  if (deadline !== undefined && !(Number.isInteger(deadline) && deadline >= 1 && deadline <= MAX_INT32)) {
    errs.push(invalid(specPath.child("activeDeadlineSeconds"), deadline, { rule: "spec.activeDeadlineSeconds.range", detail: `must be between 1 and ${MAX_INT32}, inclusive` }));
  }
  return errs;
}

/** ValidatePreemptionPolicy: an explicit "" is Required (nothing defaults it on the kubelet's path). */
function checkPreemptionPolicy(value: unknown, path: FieldPath): FieldError[] {
  if (value === "") return [required(path, { rule: "spec.preemptionPolicy.required" })];
  return checkSupported(value, PREEMPTION_POLICIES, path, "spec.preemptionPolicy.unsupported");
}

/** spec.hostnameOverride (HostnameOverride, beta and on by default since 1.35). */
function checkHostnameOverride(spec: JsonRecord, specPath: FieldPath): FieldError[] {
  const value = stringOf(spec["hostnameOverride"]);
  if (value === undefined) return [];
  const at = specPath.child("hostnameOverride");
  const errs: FieldError[] = [];
  if (value.length > MAX_HOSTNAME_OVERRIDE) errs.push(invalid(at, value, { rule: "spec.hostnameOverride.tooLong", detail: `must be no more than ${MAX_HOSTNAME_OVERRIDE} characters` }));
  for (const msg of checkDns1123Subdomain(value)) errs.push(invalid(at, value, { rule: "spec.hostnameOverride.format", detail: msg }));
  // KEP-4762: mutually exclusive with setHostnameAsFQDN and with the host's network (and so its name).
  if (spec["setHostnameAsFQDN"] === true) errs.push(invalid(at, value, { rule: "spec.hostnameOverride.fqdn", detail: "Cannot set both hostnameOverride and setHostnameAsFQDN" }));
  if (spec["hostNetwork"] === true) errs.push(invalid(at, value, { rule: "spec.hostnameOverride.hostNetwork", detail: "Cannot set hostnameOverride when hostNetwork is true" }));
  return errs;
}

function checkHostAliases(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(value).forEach((item, i) => {
    const alias = recordOf(item);
    if (!alias) return;
    const at = path.index(i);
    const ip = stringOf(alias["ip"]) ?? (isSet(alias["ip"]) ? undefined : "");
    if (ip !== undefined) for (const msg of checkIp(ip)) errs.push(invalid(at.child("ip"), ip, { rule: "spec.hostAliases.ip", detail: msg }));
    arrayOf(alias["hostnames"]).forEach((h, j) => {
      const host = stringOf(h);
      if (host !== undefined) for (const msg of checkDns1123Subdomain(host)) errs.push(invalid(at.child("hostnames").index(j), host, { rule: "spec.hostAliases.hostname", detail: msg }));
    });
  });
  return errs;
}
