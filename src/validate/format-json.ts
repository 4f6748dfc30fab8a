// `rower validate -o json`, exactly the shape DESIGN.md gives:
// {"valid": bool, "documents": [{"origin", "kind", "name", "errors": [{"field","type","rule","value","detail"}]}]}
import type { ValidationResult } from "./validation-result.js";

export function formatJson(result: ValidationResult): string {
  const body = {
    valid: result.valid,
    documents: result.documents.map((doc) => ({
      origin: doc.origin,
      kind: doc.kind ?? null,
      name: doc.name ?? null,
      errors: doc.errors.map((e) => ({
        field: e.field,
        type: e.type,
        rule: e.rule,
        value: e.value === undefined ? null : e.value,
        detail: e.detail ?? null,
      })),
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
