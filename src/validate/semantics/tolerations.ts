// spec.tolerations (validation.go ValidateTolerations). Paths follow the API server, which
// reports a bad toleration value on `operator`.
import type { FieldError } from "../../errors/field-error.js";
import { invalid, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkLabelValue, checkQualifiedName } from "./name-formats.js";
import { arrayOf, isSet, recordOf, stringOf } from "./read-json.js";

const OPERATORS = ["Equal", "Exists"] as const;
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

export function checkTolerations(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(value).forEach((item, i) => {
    const t = recordOf(item);
    // A field of the wrong type is the schema layer's to report; the rest depends on all four.
    if (!t || ["key", "operator", "effect", "value"].some((f) => isSet(t[f]) && typeof t[f] !== "string")) return;
    const at = path.index(i);
    const key = stringOf(t["key"]) ?? "";
    const operator = stringOf(t["operator"]) ?? "";
    const effect = stringOf(t["effect"]) ?? "";
    const tolValue = stringOf(t["value"]) ?? "";
    if (key !== "") for (const msg of checkQualifiedName(key)) errs.push(invalid(at.child("key"), key, { rule: "toleration.key.format", detail: msg }));
    if (key === "" && operator !== "Exists") {
      errs.push(invalid(at.child("operator"), operator, { rule: "toleration.operator.emptyKey", detail: "operator must be Exists when `key` is empty, which means \"match all values and all keys\"" }));
    }
    if (isSet(t["tolerationSeconds"]) && effect !== "NoExecute") {
      errs.push(invalid(at.child("effect"), effect, { rule: "toleration.effect.tolerationSeconds", detail: "effect must be 'NoExecute' when `tolerationSeconds` is set" }));
    }
    if (operator === "" || operator === "Equal") {
      const msgs = checkLabelValue(tolValue);
      if (msgs.length > 0) errs.push(invalid(at.child("operator"), tolValue, { rule: "toleration.value.format", detail: msgs.join(";") }));
    } else if (operator === "Exists") {
      if (tolValue !== "") errs.push(invalid(at.child("operator"), tolValue, { rule: "toleration.value.withExists", detail: "value must be empty when `operator` is 'Exists'" }));
    } else {
      errs.push(unsupported(at.child("operator"), operator, OPERATORS, { rule: "toleration.operator.unsupported" }));
    }
    if (effect !== "" && !(EFFECTS as readonly string[]).includes(effect)) {
      errs.push(unsupported(at.child("effect"), effect, EFFECTS, { rule: "toleration.effect.unsupported" }));
    }
  });
  return errs;
}
