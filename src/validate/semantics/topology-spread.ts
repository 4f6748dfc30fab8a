// spec.topologySpreadConstraints (validation.go validateTopologySpreadConstraints). A static
// pod is never scheduled, but the kubelet still validates the field like the API server.
import type { FieldError } from "../../errors/field-error.js";
import { duplicate, invalid, required } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkLabelSelector } from "./label-selector.js";
import { checkMatchLabelKeys } from "./match-label-keys.js";
import { arrayOf, isSet, numberOf, recordOf, stringOf } from "./read-json.js";
import { checkSupported } from "./supported-values.js";

const WHEN_UNSATISFIABLE = ["DoNotSchedule", "ScheduleAnyway"] as const;
const NODE_INCLUSION_POLICIES = ["Honor", "Ignore"] as const;
const NOT_POSITIVE = "must be greater than zero";

export function checkTopologySpread(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const constraints = arrayOf(value).map(recordOf);
  constraints.forEach((c, i) => {
    if (!c) return;
    const at = path.index(i);
    const maxSkew = numberOf(c["maxSkew"]);
    if (maxSkew !== undefined && maxSkew <= 0) errs.push(invalid(at.child("maxSkew"), maxSkew, { rule: "spec.topologySpread.maxSkew", detail: NOT_POSITIVE }));
    const key = stringOf(c["topologyKey"]);
    if (key === "") errs.push(required(at.child("topologyKey"), { rule: "spec.topologySpread.topologyKey.required", detail: "can not be empty" }));
    const when = stringOf(c["whenUnsatisfiable"]);
    errs.push(...checkSupported(when, WHEN_UNSATISFIABLE, at.child("whenUnsatisfiable"), "spec.topologySpread.whenUnsatisfiable.unsupported"));
    // {topologyKey, whenUnsatisfiable} names one kind of constraint; reported on the first of a pair.
    const repeated = constraints.slice(i + 1).some((o) => o && stringOf(o["topologyKey"]) === key && stringOf(o["whenUnsatisfiable"]) === when);
    if (repeated) errs.push(duplicate(at.child("{topologyKey, whenUnsatisfiable}"), `{${key ?? ""}, ${when ?? ""}}`, { rule: "spec.topologySpread.duplicate" }));
    if (isSet(c["minDomains"])) {
      const minDomains = numberOf(c["minDomains"]);
      if (minDomains !== undefined && when !== "DoNotSchedule") {
        errs.push(invalid(at.child("minDomains"), minDomains, { rule: "spec.topologySpread.minDomains.whenUnsatisfiable", detail: `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${when ?? ""}` }));
      }
      if (minDomains !== undefined && minDomains <= 0) errs.push(invalid(at.child("minDomains"), minDomains, { rule: "spec.topologySpread.minDomains.positive", detail: NOT_POSITIVE }));
    }
    errs.push(...checkMatchLabelKeys(c["matchLabelKeys"], undefined, c["labelSelector"], at));
    errs.push(...checkLabelSelector(c["labelSelector"], at.child("labelSelector")));
    for (const policy of ["nodeAffinityPolicy", "nodeTaintsPolicy"] as const) {
      errs.push(...checkSupported(c[policy], NODE_INCLUSION_POLICIES, at.child(policy), `spec.topologySpread.${policy}.unsupported`));
    }
  });
  return errs;
}
