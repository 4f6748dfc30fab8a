// Layer 1: the value against the generated Kubernetes schema, as strictly as the kubelet's
// Go decoder reads it plus kubectl --validate=strict (unknown fields, required fields).
// Reports every problem; never throws on any input.
import { FieldPath } from "../../errors/field-path.js";
import { invalid, required as requiredError, unsupported, type FieldError } from "../../errors/field-error.js";
import { parseQuantityValue } from "../quantity.js";
import { suggestField } from "../../errors/suggest-field.js";
import { POD_TYPE, type FieldKind, type ObjectType, type ScalarKind } from "./compile-schema.js";
import { isMapping, type Mapping } from "../../guards/is-mapping.js";

/** apimachinery's ErrFormatWrong text, which the API server prints for a bad quantity. */
export const QUANTITY_FORMAT_DETAIL =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
// Go's time.Parse(time.RFC3339, …), which metav1.Time uses; fractional seconds are allowed.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type PlainObject = Mapping;

const isScalar = (value: unknown): boolean => value === null || typeof value !== "object";

/** What a kind is called in `must be of type …` details. */
function describeKind(kind: FieldKind): string {
  switch (kind.shape) {
    case "object": case "map": return "object";
    case "array": return "array";
    case "scalar":
      switch (kind.scalar) {
        case "int32": case "int64": return "integer";
        case "int-or-string": return "integer or string";
        case "quantity": return "quantity";
        case "date-time": return "string";
        default: return kind.scalar;
      }
  }
}

function typeError(path: FieldPath, value: unknown, kind: FieldKind): FieldError {
  // Objects and arrays are left out of `value`: the message names the path, not the blob.
  return invalid(path, isScalar(value) ? value : undefined, { rule: "schema.type", detail: `must be of type ${describeKind(kind)}` });
}

/** Why a value is not an integer of the given width, or undefined when it is one. */
function integerProblem(value: unknown, scalar: "int32" | "int64"): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) return "must be of type integer";
  // Go refuses to unmarshal a number that overflows the field's integer type.
  const fits = scalar === "int32" ? value >= INT32_MIN && value <= INT32_MAX : Math.abs(value) < 2 ** 63;
  return fits ? undefined : `must be of type ${scalar}`;
}

function checkScalar(value: unknown, scalar: ScalarKind, kind: FieldKind, path: FieldPath, errors: FieldError[]): void {
  switch (scalar) {
    case "free-form":
      return;
    case "string":
    case "date-time":
      if (typeof value !== "string") errors.push(typeError(path, value, kind));
      else if (scalar === "date-time" && !RFC3339.test(value)) {
        errors.push(invalid(path, value, { rule: "schema.dateTime", detail: "must be an RFC 3339 date-time (2006-01-02T15:04:05Z)" }));
      }
      return;
    case "boolean":
      if (typeof value !== "boolean") errors.push(typeError(path, value, kind));
      return;
    case "number":
      if (typeof value !== "number") errors.push(typeError(path, value, kind));
      return;
    case "int32":
    case "int64": {
      const problem = integerProblem(value, scalar);
      if (problem !== undefined) errors.push(invalid(path, isScalar(value) ? value : undefined, { rule: "schema.type", detail: problem }));
      return;
    }
    case "int-or-string": {
      // IntOrString reads a JSON string, or else an int32.
      const problem = typeof value === "string" ? undefined : integerProblem(value, "int32");
      if (problem === "must be of type integer") errors.push(typeError(path, value, kind));
      else if (problem !== undefined) errors.push(invalid(path, isScalar(value) ? value : undefined, { rule: "schema.type", detail: problem }));
      return;
    }
    case "quantity":
      // Quantity.UnmarshalJSON parses any non-object JSON text, so a boolean fails on syntax.
      if (!isScalar(value)) errors.push(typeError(path, value, kind));
      else if (parseQuantityValue(value) === undefined) {
        errors.push(invalid(path, value, { rule: "schema.quantity", detail: QUANTITY_FORMAT_DETAIL }));
      }
      return;
  }
}

/**
 * True when checkScalar would find nothing: most fields of a pod are valid scalars, and this
 * answers without building their field paths, which only an error needs.
 */
function isValidScalar(value: unknown, scalar: ScalarKind): boolean {
  switch (scalar) {
    case "free-form": return true;
    case "string": return typeof value === "string";
    case "date-time": return typeof value === "string" && RFC3339.test(value);
    case "boolean": return typeof value === "boolean";
    case "number": return typeof value === "number";
    case "int32": case "int64": return integerProblem(value, scalar) === undefined;
    case "int-or-string": return typeof value === "string" || integerProblem(value, "int32") === undefined;
    case "quantity": return value !== null && isScalar(value) && parseQuantityValue(value) !== undefined;
  }
}

function checkObject(value: PlainObject, type: ObjectType, path: FieldPath, errors: FieldError[], skip?: ReadonlySet<string>): void {
  // Read once per object: they are getters (a type is linked on first use), and the walk
  // runs without an optimizing compiler to inline them. for-in reads V8's enum cache where
  // Object.keys would allocate an array per object (a parsed value has no inherited keys).
  const fields = type.fields;
  for (const key in value) {
    if (skip?.has(key)) continue;
    const fieldValue = value[key];
    // A null means unset, as Go's decoder and kubectl read it: kubectl checks nothing under
    // a null, not even whether the key is known. Required fields are checked below.
    if (fieldValue === null) continue;
    const kind = fields.get(key);
    if (kind === undefined) {
      const suggestion = suggestField(key, type.fieldNames);
      errors.push({
        field: path.child(key).toString(), type: "unknown field", rule: "schema.unknownField",
        ...(suggestion === undefined ? {} : { detail: `did you mean ${JSON.stringify(suggestion)}?` }),
      });
      continue;
    }
    if (kind.shape === "scalar" && isValidScalar(fieldValue, kind.scalar)) continue;
    checkValue(fieldValue, kind, path.child(key), errors);
  }
  const required = type.required;
  for (let i = 0; i < required.length; i++) {
    const name = required[i] as string;
    if (value[name] === undefined || value[name] === null) errors.push(requiredError(path.child(name), { rule: "schema.required" }));
  }
}

/** Walks one value of a known kind. Nulls inside arrays and maps are errors (kubectl: "unknown object type nil"). */
function checkValue(value: unknown, kind: FieldKind, path: FieldPath, errors: FieldError[]): void {
  switch (kind.shape) {
    case "scalar":
      if (value === null && kind.scalar !== "free-form") errors.push(typeError(path, value, kind));
      else checkScalar(value, kind.scalar, kind, path, errors);
      return;
    case "object":
      if (isMapping(value)) checkObject(value, kind.type, path, errors);
      else errors.push(typeError(path, value, kind));
      return;
    case "array":
      if (!Array.isArray(value)) {
        errors.push(typeError(path, value, kind));
        return;
      }
      for (let i = 0; i < value.length; i++) {
        const item = kind.item;
        if (item.shape === "scalar" && isValidScalar(value[i], item.scalar)) continue;
        checkValue(value[i], item, path.index(i), errors);
      }
      return;
    case "map":
      if (!isMapping(value)) {
        errors.push(typeError(path, value, kind));
        return;
      }
      for (const key of Object.keys(value)) {
        const entry = kind.value;
        if (entry.shape === "scalar" && isValidScalar(value[key], entry.scalar)) continue;
        checkValue(value[key], entry, path.key(key), errors);
      }
      return;
  }
}

/** Checked by checkTypeMeta against fixed values rather than as plain strings. */
const TYPE_META_FIELDS: ReadonlySet<string> = new Set(["apiVersion", "kind"]);

/** Checks apiVersion and kind; false when either names something other than a v1 Pod. */
function checkTypeMeta(pod: PlainObject, root: FieldPath, errors: FieldError[]): boolean {
  const apiVersionIsPod = checkTypeMetaField(pod, "apiVersion", "v1", root, errors);
  const kindIsPod = checkTypeMetaField(pod, "kind", "Pod", root, errors);
  return apiVersionIsPod && kindIsPod;
}

/** One of apiVersion and kind: false when it names something else. */
function checkTypeMetaField(pod: PlainObject, field: "apiVersion" | "kind", want: string, root: FieldPath, errors: FieldError[]): boolean {
  const value = pod[field];
  if (value === undefined || value === null || value === "") {
    errors.push(requiredError(root.child(field), { rule: `schema.${field}` }));
  } else if (value !== want) {
    errors.push(unsupported(root.child(field), value, [want], { rule: `schema.${field}` }));
    return false;
  }
  return true;
}

/** Every schema problem in a decoded document that should be a v1 Pod. */
export function checkSchema(value: unknown): FieldError[] {
  const root = FieldPath.root();
  const errors: FieldError[] = [];
  if (!isMapping(value)) {
    errors.push(invalid(root, isScalar(value) ? value : undefined, { rule: "schema.type", detail: "must be of type object" }));
    return errors;
  }
  // Another kind's fields measured against the Pod schema would only bury the real error.
  if (checkTypeMeta(value, root, errors)) checkObject(value, POD_TYPE, root, errors, TYPE_META_FIELDS);
  return errors;
}
