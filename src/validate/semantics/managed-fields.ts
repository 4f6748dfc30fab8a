// metadata.managedFields (apimachinery ValidateManagedFields, ValidateFieldManager). The
// kubelet's decoder keeps them, so ValidateObjectMeta judges them on a static pod too.
import type { FieldError } from "../../errors/field-error.js";
import { invalid, tooLong } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { arrayOf, recordOf, stringOf } from "./read-json.js";

const FIELD_MANAGER_MAX_LENGTH = 128;
const SUBRESOURCE_MAX_LENGTH = 256;
// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function checkManagedFields(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(value).forEach((item, i) => {
    const entry = recordOf(item);
    if (!entry) return;
    const at = path.index(i);
    const operation = stringOf(entry["operation"]) ?? "";
    if (operation !== "Apply" && operation !== "Update") {
      errs.push(invalid(at.child("operation"), operation, { rule: "metadata.managedFields.operation", detail: "must be `Apply` or `Update`" }));
    }
    const fieldsType = stringOf(entry["fieldsType"]) ?? "";
    if (fieldsType !== "" && fieldsType !== "FieldsV1") {
      errs.push(invalid(at.child("fieldsType"), fieldsType, { rule: "metadata.managedFields.fieldsType", detail: "must be `FieldsV1`" }));
    }
    errs.push(...checkFieldManager(stringOf(entry["manager"]) ?? "", at.child("manager")));
    const subresource = stringOf(entry["subresource"]) ?? "";
    if (Buffer.byteLength(subresource) > SUBRESOURCE_MAX_LENGTH) {
      errs.push(tooLong(at.child("subresource"), SUBRESOURCE_MAX_LENGTH, { rule: "metadata.managedFields.subresource.tooLong" }));
    }
  });
  return errs;
}

function checkFieldManager(manager: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (Buffer.byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) {
    errs.push(tooLong(path, FIELD_MANAGER_MAX_LENGTH, { rule: "metadata.managedFields.manager.tooLong" }));
  }
  let offset = 0; // Go ranges over bytes: the position is a byte offset
  for (const ch of manager) {
    if (!PRINTABLE.test(ch)) {
      errs.push(invalid(path, manager, { rule: "metadata.managedFields.manager.unprintable", detail: `invalid character ${goRuneU(ch)} (at position ${offset})` }));
    }
    offset += Buffer.byteLength(ch);
  }
  return errs;
}

/** Go's %#U of a rune that is not printable: U+ and at least four hex digits, no glyph. */
function goRuneU(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}
