import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  GENERATED_TABLE_FILE, GENERATED_VERSION_FILE, defaultSchemaInputs, generateSchema,
} from "../../tools/generate-schema.js";
import { POD_TYPE, type FieldKind, type ObjectType } from "../../src/validate/schema/compile-schema.js";
import { SCHEMA_TYPES } from "../../src/validate/schema/generated.js";

const inputs = defaultSchemaInputs();
const missing = [inputs.openApiFile, inputs.modelsDir].filter((p) => !existsSync(p));
if (missing.length > 0) console.warn(`skipping the schema generator check: ${missing.join(", ")} not found`);

describe.skipIf(missing.length > 0)("generated schema", () => {
  it("is exactly what tools/generate-schema.ts produces from its inputs", async () => {
    const generated = await generateSchema(inputs);
    expect(await readFile(GENERATED_TABLE_FILE, "utf8")).toBe(generated.table);
    expect(await readFile(GENERATED_VERSION_FILE, "utf8")).toBe(generated.versionModule);
    expect(generated.kubernetesVersion).toBe("1.36");
  });

  it("stays small enough to parse at every start", async () => {
    const table = await readFile(GENERATED_TABLE_FILE, "utf8");
    expect(table.length).toBeLessThan(150_000);
  });
});

describe("the linked schema", () => {
  it("links every type reachable from the Pod (types link on first use, so a broken table must fail here, not mid-validation)", () => {
    const seen = new Set<ObjectType>();
    const visit = (kind: FieldKind): void => {
      if (kind.shape === "array") visit(kind.item);
      else if (kind.shape === "map") visit(kind.value);
      else if (kind.shape === "object" && !seen.has(kind.type)) {
        seen.add(kind.type);
        for (const field of kind.type.fields.values()) visit(field);
        expect(kind.type.required.every((name) => kind.type.fields.has(name))).toBe(true);
      }
    };
    visit({ shape: "object", type: POD_TYPE });
    expect(seen.size).toBe(Object.keys(SCHEMA_TYPES).length);
  });
});
