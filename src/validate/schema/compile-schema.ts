// Turns the generated table's compact codes into linked lookups, once at module load, so
// checking a pod is map lookups only (the target is thousands of pods per second).
import { SCHEMA_ROOT, SCHEMA_TYPES } from "./generated.js";

export type ScalarKind =
  | "string" | "int32" | "int64" | "number" | "boolean" | "int-or-string" | "quantity" | "date-time" | "free-form";

export type FieldKind =
  | { readonly shape: "scalar"; readonly scalar: ScalarKind }
  | { readonly shape: "object"; readonly type: ObjectType }
  | { readonly shape: "array"; readonly item: FieldKind }
  | { readonly shape: "map"; readonly value: FieldKind };

export interface ObjectType {
  readonly name: string;
  readonly fields: ReadonlyMap<string, FieldKind>;
  readonly required: readonly string[];
  /** Sorted field names, for did-you-mean suggestions. */
  readonly fieldNames: readonly string[];
}

const SCALAR_BY_CODE: Readonly<Record<string, ScalarKind>> = {
  s: "string", i: "int32", l: "int64", n: "number", b: "boolean", x: "int-or-string",
  q: "quantity", t: "date-time", f: "free-form",
};

interface MutableType { name: string; fields: Map<string, FieldKind>; required: string[]; fieldNames: string[] }

function decodeKind(code: string, types: ReadonlyMap<string, MutableType>): FieldKind {
  const head = code[0];
  if (head === "[") return { shape: "array", item: decodeKind(code.slice(1), types) };
  if (head === "{") return { shape: "map", value: decodeKind(code.slice(1), types) };
  if (head === "@") {
    const type = types.get(code.slice(1));
    if (!type) throw new Error(`schema table refers to unknown type ${code.slice(1)}`);
    return { shape: "object", type };
  }
  const scalar = SCALAR_BY_CODE[code];
  if (!scalar) throw new Error(`schema table has unknown field code ${JSON.stringify(code)}`);
  return { shape: "scalar", scalar };
}

/** Links every generated type; throws only if the generated table itself is broken. */
function compileSchema(): ObjectType {
  const types = new Map<string, MutableType>();
  for (const name of Object.keys(SCHEMA_TYPES)) types.set(name, { name, fields: new Map(), required: [], fieldNames: [] });
  for (const [name, table] of Object.entries(SCHEMA_TYPES)) {
    const type = types.get(name) as MutableType;
    for (const [field, rawCode] of Object.entries(table)) {
      const isRequired = rawCode.startsWith("!");
      type.fields.set(field, decodeKind(isRequired ? rawCode.slice(1) : rawCode, types));
      if (isRequired) type.required.push(field);
    }
    type.fieldNames = [...type.fields.keys()].sort();
  }
  const root = types.get(SCHEMA_ROOT);
  if (!root) throw new Error(`schema table lacks its root type ${SCHEMA_ROOT}`);
  return root;
}

/** The Pod type, with every type reachable from it linked in. */
export const POD_TYPE: ObjectType = compileSchema();
