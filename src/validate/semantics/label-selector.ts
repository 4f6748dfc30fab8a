// Label selectors and node selector requirements (apimachinery ValidateLabelSelector,
// validation.go ValidateNodeSelectorRequirement): operators, the values they need, keys.
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid, required } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkDns1123Subdomain, checkLabelValue, checkQualifiedName } from "./name-formats.js";
import { checkLabels } from "./object-meta.js";
import { arrayOf, recordOf, stringOf } from "./read-json.js";

const NOT_AN_OPERATOR = "not a valid selector operator";

export function checkLabelSelector(value: unknown, path: FieldPath): FieldError[] {
  const selector = recordOf(value);
  if (!selector) return [];
  const errs = checkLabels(selector["matchLabels"], path.child("matchLabels"), "labelSelector.matchLabels");
  arrayOf(selector["matchExpressions"]).forEach((item, j) => {
    const expr = recordOf(item);
    if (expr) errs.push(...checkRequirement(expr, path.child("matchExpressions").index(j), false));
  });
  return errs;
}

/** A node selector term: label expressions, plus field expressions on metadata.name only. */
export function checkNodeSelectorTerm(value: unknown, path: FieldPath, allowInvalidValues: boolean): FieldError[] {
  const term = recordOf(value);
  if (!term) return [];
  const errs: FieldError[] = [];
  arrayOf(term["matchExpressions"]).forEach((item, j) => {
    const expr = recordOf(item);
    if (expr) errs.push(...checkRequirement(expr, path.child("matchExpressions").index(j), true, allowInvalidValues));
  });
  arrayOf(term["matchFields"]).forEach((item, j) => {
    const expr = recordOf(item);
    if (!expr) return;
    const at = path.child("matchFields").index(j);
    const operator = stringOf(expr["operator"]);
    if (operator !== undefined && operator !== "In" && operator !== "NotIn") {
      errs.push(invalid(at.child("operator"), operator, { rule: "nodeSelector.matchFields.operator", detail: NOT_AN_OPERATOR }));
    } else if (arrayOf(expr["values"]).length !== 1) {
      errs.push(required(at.child("values"), { rule: "nodeSelector.matchFields.values", detail: "must be only one value when `operator` is 'In' or 'NotIn' for node field selector" }));
    }
    const key = stringOf(expr["key"]);
    if (key !== undefined && key !== "metadata.name") errs.push(invalid(at.child("key"), key, { rule: "nodeSelector.matchFields.key", detail: "not a valid field selector key" }));
    // metadata.name values are node names (ValidateNodeName).
    else arrayOf(expr["values"]).forEach((v, i) => {
      const name = stringOf(v);
      if (name !== undefined) for (const msg of checkDns1123Subdomain(name)) errs.push(invalid(at.child("values").index(i), name, { rule: "nodeSelector.matchFields.value", detail: msg }));
    });
  });
  return errs;
}

/** One `{key, operator, values}` expression; node selectors also know Gt and Lt. */
function checkRequirement(expr: Record<string, unknown>, path: FieldPath, nodeSelector: boolean, allowInvalidValues = false): FieldError[] {
  const errs: FieldError[] = [];
  const operator = stringOf(expr["operator"]);
  const values = arrayOf(expr["values"]);
  const rule = nodeSelector ? "nodeSelector.requirement" : "labelSelector.requirement";
  switch (operator) {
    case "In": case "NotIn":
      if (values.length === 0) errs.push(required(path.child("values"), { rule: `${rule}.values.required`, detail: "must be specified when `operator` is 'In' or 'NotIn'" }));
      break;
    case "Exists": case "DoesNotExist":
      if (values.length > 0) errs.push(forbidden(path.child("values"), { rule: `${rule}.values.forbidden`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" }));
      break;
    case "Gt": case "Lt":
      if (nodeSelector) {
        if (values.length !== 1) errs.push(required(path.child("values"), { rule: `${rule}.values.single`, detail: "must be specified single value when `operator` is 'Lt' or 'Gt'" }));
        break;
      }
      errs.push(invalid(path.child("operator"), operator, { rule: `${rule}.operator`, detail: NOT_AN_OPERATOR }));
      break;
    case undefined: break;
    default: errs.push(invalid(path.child("operator"), operator, { rule: `${rule}.operator`, detail: NOT_AN_OPERATOR }));
  }
  const key = stringOf(expr["key"]);
  if (key !== undefined) for (const msg of checkQualifiedName(key)) errs.push(invalid(path.child("key"), key, { rule: `${rule}.key`, detail: msg }));
  if (!allowInvalidValues) values.forEach((v, i) => {
    const text = stringOf(v);
    if (text !== undefined) for (const msg of checkLabelValue(text)) errs.push(invalid(path.child("values").index(i), text, { rule: `${rule}.value`, detail: msg }));
  });
  return errs;
}
