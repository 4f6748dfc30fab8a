// Turns the generated table's compact codes into linked lookups, so checking a pod is map
// lookups only (the target is thousands of pods per second). Each type is linked the first
// time a pod reaches it: a one-pod `rower validate` links the dozen types its pod uses, not
// all of them at start-up.
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

/** A generated type, linked on first use; every type is linked at most once. */
class LinkedType implements ObjectType {
  #fields: Map<string, FieldKind> | undefined;
  #required: string[] = [];
  #fieldNames: string[] | undefined;

  constructor(readonly name: string, private readonly table: { readonly [field: string]: string }) {}

  get fields(): ReadonlyMap<string, FieldKind> {
    return this.#fields ?? this.#link();
  }

  get required(): readonly string[] {
    if (this.#fields === undefined) this.#link();
    return this.#required;
  }

  /** Only an unknown field's suggestion reads these. */
  get fieldNames(): readonly string[] {
    return (this.#fieldNames ??= [...this.fields.keys()].sort());
  }

  #link(): Map<string, FieldKind> {
    const fields = new Map<string, FieldKind>();
    for (const [field, rawCode] of Object.entries(this.table)) {
      const isRequired = rawCode.startsWith("!");
      fields.set(field, decodeKind(isRequired ? rawCode.slice(1) : rawCode));
      if (isRequired) this.#required.push(field);
    }
    this.#fields = fields;
    return fields;
  }
}

const TYPES = new Map<string, LinkedType>();

function typeNamed(name: string): LinkedType {
  let type = TYPES.get(name);
  if (type === undefined) {
    const table = SCHEMA_TYPES[name];
    if (!table) throw new Error(`schema table refers to unknown type ${name}`);
    type = new LinkedType(name, table);
    TYPES.set(name, type);
  }
  return type;
}

function decodeKind(code: string): FieldKind {
  const head = code[0];
  if (head === "[") return { shape: "array", item: decodeKind(code.slice(1)) };
  if (head === "{") return { shape: "map", value: decodeKind(code.slice(1)) };
  if (head === "@") return { shape: "object", type: typeNamed(code.slice(1)) };
  const scalar = SCALAR_BY_CODE[code];
  if (!scalar) throw new Error(`schema table has unknown field code ${JSON.stringify(code)}`);
  return { shape: "scalar", scalar };
}

/** The Pod type; every type reachable from it is linked when a pod first reaches it. */
export const POD_TYPE: ObjectType = typeNamed(SCHEMA_ROOT);
