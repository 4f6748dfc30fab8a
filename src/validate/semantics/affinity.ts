// spec.affinity (validation.go validateAffinity): node affinity terms and pod (anti-)affinity
// terms. The kubelet checks required node affinity against its own labels at admission, so
// a malformed term would keep a static pod from ever starting.
import type { FieldError } from "../../errors/field-error.js";
import { invalid, required } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkLabelSelector, checkNodeSelectorTerm } from "./label-selector.js";
import { checkMatchLabelKeys } from "./match-label-keys.js";
import { checkDns1123Label, checkQualifiedName } from "./name-formats.js";
import { arrayOf, isSet, numberOf, recordOf, stringOf } from "./read-json.js";

const REQUIRED_TERMS = "requiredDuringSchedulingIgnoredDuringExecution";
const PREFERRED_TERMS = "preferredDuringSchedulingIgnoredDuringExecution";
const WEIGHT_RANGE = "must be in the range 1-100";

export function checkAffinity(value: unknown, path: FieldPath): FieldError[] {
  const affinity = recordOf(value);
  if (!affinity) return [];
  return checkNodeAffinity(affinity["nodeAffinity"], path.child("nodeAffinity")).concat(
    checkPodAffinity(affinity["podAffinity"], path.child("podAffinity")),
    checkPodAffinity(affinity["podAntiAffinity"], path.child("podAntiAffinity")),
  );
}

function checkNodeAffinity(value: unknown, path: FieldPath): FieldError[] {
  const node = recordOf(value);
  if (!node) return [];
  const errs: FieldError[] = [];
  const requiredSelector = recordOf(node[REQUIRED_TERMS]);
  if (requiredSelector) {
    const termsPath = path.child(REQUIRED_TERMS).child("nodeSelectorTerms");
    const terms = arrayOf(requiredSelector["nodeSelectorTerms"]);
    if (terms.length === 0) errs.push(required(termsPath, { rule: "affinity.node.terms.required", detail: "must have at least one node selector term" }));
    terms.forEach((t, i) => errs.push(...checkNodeSelectorTerm(t, termsPath.index(i), false)));
  }
  arrayOf(node[PREFERRED_TERMS]).forEach((item, i) => {
    const term = recordOf(item);
    if (!term) return;
    const at = path.child(PREFERRED_TERMS).index(i);
    // Preferred terms may hold any label value: they can still match on a one-node cluster.
    errs.push(...checkWeight(term["weight"], at.child("weight")), ...checkNodeSelectorTerm(term["preference"], at.child("preference"), true));
  });
  return errs;
}

function checkPodAffinity(value: unknown, path: FieldPath): FieldError[] {
  const pod = recordOf(value);
  if (!pod) return [];
  const errs: FieldError[] = [];
  arrayOf(pod[REQUIRED_TERMS]).forEach((t, i) => errs.push(...checkPodAffinityTerm(t, path.child(REQUIRED_TERMS).index(i))));
  arrayOf(pod[PREFERRED_TERMS]).forEach((item, i) => {
    const weighted = recordOf(item);
    if (!weighted) return;
    const at = path.child(PREFERRED_TERMS).index(i);
    errs.push(...checkWeight(weighted["weight"], at.child("weight")), ...checkPodAffinityTerm(weighted["podAffinityTerm"], at.child("podAffinityTerm")));
  });
  return errs;
}

function checkPodAffinityTerm(value: unknown, path: FieldPath): FieldError[] {
  const term = recordOf(value);
  if (!term) return [];
  const errs = [...checkLabelSelector(term["labelSelector"], path.child("labelSelector")), ...checkLabelSelector(term["namespaceSelector"], path.child("namespaceSelector"))];
  for (const ns of arrayOf(term["namespaces"])) {
    const name = stringOf(ns);
    // The API server reports these on `namespace`, singular.
    if (name !== undefined) for (const msg of checkDns1123Label(name)) errs.push(invalid(path.child("namespace"), name, { rule: "affinity.pod.namespace", detail: msg }));
  }
  errs.push(...checkMatchLabelKeys(term["matchLabelKeys"], term["mismatchLabelKeys"], term["labelSelector"], path));
  const key = stringOf(term["topologyKey"]) ?? (isSet(term["topologyKey"]) ? undefined : "");
  if (key === "") errs.push(required(path.child("topologyKey"), { rule: "affinity.pod.topologyKey.required", detail: "can not be empty" }));
  // An empty key also fails the label-name check, as in Go.
  if (key !== undefined) for (const msg of checkQualifiedName(key)) errs.push(invalid(path.child("topologyKey"), key, { rule: "affinity.pod.topologyKey.format", detail: msg }));
  return errs;
}

function checkWeight(value: unknown, path: FieldPath): FieldError[] {
  const weight = numberOf(value);
  if (weight === undefined || (weight >= 1 && weight <= 100)) return [];
  return [invalid(path, weight, { rule: "affinity.weight", detail: WEIGHT_RANGE })];
}
