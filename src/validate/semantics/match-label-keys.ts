// matchLabelKeys and mismatchLabelKeys of pod (anti-)affinity terms and topology spread
// constraints (validation.go validateMatchLabelKeysAndMismatchLabelKeys; topology spread uses it
// too while MatchLabelKeysInPodTopologySpreadSelectorMerge is on, as it is by default at 1.36).
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkQualifiedName } from "./name-formats.js";
import { arrayOf, isSet, recordOf, stringOf } from "./read-json.js";

function checkLabelKeys(keys: unknown[], selectorSet: boolean, path: FieldPath, rule: string): FieldError[] {
  if (keys.length === 0) return [];
  if (!selectorSet) return [forbidden(path, { rule: `${rule}.noSelector`, detail: "must not be specified when labelSelector is not set" })];
  const errs: FieldError[] = [];
  keys.forEach((k, i) => {
    const key = stringOf(k);
    if (key !== undefined) for (const msg of checkQualifiedName(key)) errs.push(invalid(path.index(i), key, { rule: `${rule}.format`, detail: msg }));
  });
  return errs;
}

/** `path` is the term's (or constraint's) own path; Go indexes it directly for a key also in the selector. */
export function checkMatchLabelKeys(matchLabelKeys: unknown, mismatchLabelKeys: unknown, labelSelector: unknown, path: FieldPath): FieldError[] {
  const match = arrayOf(matchLabelKeys);
  const mismatch = arrayOf(mismatchLabelKeys);
  const selector = recordOf(labelSelector);
  const selectorSet = isSet(labelSelector);
  const errs = [
    ...checkLabelKeys(match, selectorSet, path.child("matchLabelKeys"), "matchLabelKeys"),
    ...checkLabelKeys(mismatch, selectorSet, path.child("mismatchLabelKeys"), "mismatchLabelKeys"),
  ];
  if (selector) {
    const indexOf = new Map<string, number>();
    match.forEach((k, i) => { if (typeof k === "string") indexOf.set(k, i); });
    const selectorKeys = new Set(Object.keys(recordOf(selector["matchLabels"]) ?? {}));
    for (const e of arrayOf(selector["matchExpressions"])) {
      const key = stringOf(recordOf(e)?.["key"]);
      if (key === undefined) continue;
      const i = indexOf.get(key);
      if (i !== undefined && selectorKeys.has(key)) {
        errs.push(invalid(path.index(i), key, { rule: "matchLabelKeys.inSelector", detail: "exists in both matchLabelKeys and labelSelector" }));
      }
      selectorKeys.add(key);
    }
  }
  const mismatchSet = new Set(mismatch);
  match.forEach((k, i) => {
    if (mismatchSet.has(k)) errs.push(invalid(path.child("matchLabelKeys").index(i), k, { rule: "matchLabelKeys.inMismatch", detail: "exists in both matchLabelKeys and mismatchLabelKeys" }));
  });
  return errs;
}
