// A `kind: List` / `kind: PodList` wrapper is checked as strictly as a pod: a typo such as
// `itmes:` would otherwise read as "no pods", the explicit empty set, and remove every pod.
import { FieldPath } from "../errors/field-path.js";
import { invalid, required, unsupported, type FieldError } from "../errors/field-error.js";
import { suggestField } from "../errors/suggest-field.js";
import { isMapping } from "../guards/is-mapping.js";

/** The List's own fields (metav1.List / v1.PodList). */
const LIST_FIELDS = ["apiVersion", "kind", "metadata", "items"] as const;
/** metav1.ListMeta: what a list's metadata may hold, and the type of each. */
const LIST_META_FIELDS: Readonly<Record<string, "string" | "integer">> = {
  resourceVersion: "string",
  continue: "string",
  remainingItemCount: "integer",
  selfLink: "string",
};

function unknownField(path: FieldPath, key: string, known: readonly string[]): FieldError {
  const suggestion = suggestField(key, known);
  return {
    field: path.child(key).toString(), type: "unknown field", rule: "list.unknownField",
    ...(suggestion === undefined ? {} : { detail: `did you mean ${JSON.stringify(suggestion)}?` }),
  };
}

function checkListMeta(meta: unknown, path: FieldPath): FieldError[] {
  if (meta === undefined || meta === null) return [];
  if (!isMapping(meta)) return [invalid(path, undefined, { rule: "list.metadata.type", detail: "must be of type object" })];
  const known = Object.keys(LIST_META_FIELDS);
  return Object.entries(meta).flatMap(([key, value]): FieldError[] => {
    const type = LIST_META_FIELDS[key];
    if (type === undefined) return [unknownField(path, key, known)];
    if (value === null) return [];
    const ok = type === "string" ? typeof value === "string" : Number.isInteger(value);
    return ok ? [] : [invalid(path.child(key), typeof value === "object" ? undefined : value, { rule: "list.metadata.type", detail: `must be of type ${type}` })];
  });
}

/** Every problem with the wrapper itself (not its items); `items` must be present and a list. */
export function checkListWrapper(list: Record<string, unknown>): FieldError[] {
  const root = FieldPath.root();
  const errors: FieldError[] = [];
  for (const key of Object.keys(list)) {
    if (!(LIST_FIELDS as readonly string[]).includes(key)) errors.push(unknownField(root, key, LIST_FIELDS));
  }
  const apiVersion = list.apiVersion;
  if (apiVersion === undefined || apiVersion === null || apiVersion === "") {
    errors.push(required(root.child("apiVersion"), { rule: "list.apiVersion" }));
  } else if (apiVersion !== "v1") {
    errors.push(unsupported(root.child("apiVersion"), apiVersion, ["v1"], { rule: "list.apiVersion" }));
  }
  errors.push(...checkListMeta(list.metadata, root.child("metadata")));
  const items = list.items;
  if (items === undefined || items === null) {
    errors.push(required(root.child("items"), { rule: "list.items.required" }));
  } else if (!Array.isArray(items)) {
    errors.push(invalid(root.child("items"), typeof items === "object" ? undefined : items, { rule: "list.items.type", detail: "must be of type array" }));
  }
  return errors;
}
