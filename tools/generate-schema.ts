// Generates src/validate/schema/generated.ts and kubernetes-version.ts: the table of every
// type reachable from V1Pod that the schema layer walks. Never hand-type the schema; rerun
// `npm run generate` after updating either input.
//
// Inputs and how they combine:
// - Fields, JSON names and types come from @kubernetes/client-node's generated models
//   (`attributeTypeMap`), which are Kubernetes release-1.36: the version we run against.
// - `required` comes from the official 1.32 OpenAPI (`../shared/kubernetes/api__v1_openapi.json`)
//   when the type exists there, because that is exactly what kubectl --validate=strict
//   enforces; for types new since 1.32, from the `.d.ts` non-optional marks.
// - Quantities: client-node types them as plain strings, so the OpenAPI's references to
//   `resource.Quantity` mark them (fields new since 1.32 cannot be told apart and stay strings).
// Neither input carries enum lists as data, so enums are left to the semantic layer.
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface Attribute { name: string; baseName: string; type: string; format: string }
interface OpenApiSchema {
  type?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  allOf?: OpenApiSchema[];
  $ref?: string;
}
interface OpenApiDocument { components: { schemas: Record<string, OpenApiSchema> } }

export interface SchemaInputs {
  /** node_modules/@kubernetes/client-node/dist/gen/models */
  modelsDir: string;
  /** ../shared/kubernetes/api__v1_openapi.json */
  openApiFile: string;
}

export interface GeneratedSchema {
  kubernetesVersion: string;
  /** Contents of src/validate/schema/generated.ts */
  table: string;
  /** Contents of src/validate/schema/kubernetes-version.ts */
  versionModule: string;
}

const ROOT_TYPE = "V1Pod";
const QUANTITY_REF = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/** The table's kind codes; documented in the generated header. */
const SCALAR_CODES: Record<string, string> = {
  string: "s", int32: "i", int64: "l", number: "n", boolean: "b", "int-or-string": "x",
  quantity: "q", "date-time": "t", "free-form": "f",
};

async function loadAttributes(modelsDir: string, typeName: string): Promise<Attribute[]> {
  const module = (await import(pathToFileURL(path.join(modelsDir, `${typeName}.js`)).href)) as Record<string, unknown>;
  const model = module[typeName] as { attributeTypeMap?: Attribute[] } | undefined;
  if (!model?.attributeTypeMap) throw new Error(`generate-schema: ${typeName}.js has no attributeTypeMap`);
  return model.attributeTypeMap;
}

/** Fields the `.d.ts` declares without `?`: the fallback `required` list. */
async function loadNonOptionalFields(modelsDir: string, typeName: string): Promise<string[]> {
  const text = await readFile(path.join(modelsDir, `${typeName}.d.ts`), "utf8");
  return [...text.matchAll(/^\s+'([^']+)':/gm)].map((m) => m[1] as string);
}

/** The release recorded in every generated model header: `OpenAPI spec version: release-1.36`. */
async function readModelsVersion(modelsDir: string): Promise<string> {
  const text = await readFile(path.join(modelsDir, `${ROOT_TYPE}.js`), "utf8");
  const match = /OpenAPI spec version: release-(\d+\.\d+)/.exec(text);
  if (!match?.[1]) throw new Error(`generate-schema: no release version in ${ROOT_TYPE}.js`);
  return match[1];
}

/** client-node names `io.k8s.api.core.v1.Container` as `V1Container`. */
function indexOpenApiByModelName(doc: OpenApiDocument): Map<string, OpenApiSchema> {
  const byName = new Map<string, OpenApiSchema>();
  const ambiguous = new Set<string>();
  for (const [key, schema] of Object.entries(doc.components.schemas)) {
    const parts = key.split(".");
    const version = parts.at(-2) ?? "";
    const name = `${version.charAt(0).toUpperCase()}${version.slice(1)}${parts.at(-1) ?? ""}`;
    if (byName.has(name)) ambiguous.add(name);
    byName.set(name, schema);
  }
  for (const name of ambiguous) byName.delete(name);
  return byName;
}

function refersToQuantity(schema: OpenApiSchema | undefined): boolean {
  if (!schema) return false;
  if (schema.$ref?.endsWith(QUANTITY_REF)) return true;
  return (schema.allOf ?? []).some((s) => refersToQuantity(s));
}

/** Encodes one attribute: prefix `[` array of, `{` map of; `@Type` object; scalar codes. */
function encodeKind(attr: Attribute, openApiField: OpenApiSchema | undefined, modelExists: (t: string) => boolean): { code: string; refs: string[] } {
  const encodeElement = (type: string, format: string, quantity: boolean): { code: string; refs: string[] } => {
    if (quantity) return { code: SCALAR_CODES.quantity as string, refs: [] };
    if (type === "string") {
      if (format === "date-time" || format === "date-time-micro") return { code: SCALAR_CODES["date-time"] as string, refs: [] };
      return { code: SCALAR_CODES.string as string, refs: [] };
    }
    if (type === "Date") return { code: SCALAR_CODES["date-time"] as string, refs: [] };
    if (type === "number") {
      if (format === "int32") return { code: SCALAR_CODES.int32 as string, refs: [] };
      if (format === "int64") return { code: SCALAR_CODES.int64 as string, refs: [] };
      return { code: SCALAR_CODES.number as string, refs: [] };
    }
    if (type === "boolean") return { code: SCALAR_CODES.boolean as string, refs: [] };
    if (type === "IntOrString") return { code: SCALAR_CODES["int-or-string"] as string, refs: [] };
    if (type === "any" || type === "object") return { code: SCALAR_CODES["free-form"] as string, refs: [] };
    if (modelExists(type)) return { code: `@${type}`, refs: [type] };
    throw new Error(`generate-schema: unknown attribute type ${JSON.stringify(type)} (${attr.baseName})`);
  };
  const array = /^Array<(.+)>$/.exec(attr.type);
  if (array?.[1]) {
    const inner = encodeElement(array[1], attr.format, refersToQuantity(openApiField?.items));
    return { code: `[${inner.code}`, refs: inner.refs };
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(attr.type);
  if (map?.[1]) {
    const additional = typeof openApiField?.additionalProperties === "object" ? openApiField.additionalProperties : undefined;
    const inner = encodeElement(map[1], attr.format, refersToQuantity(additional));
    return { code: `{${inner.code}`, refs: inner.refs };
  }
  return encodeElement(attr.type, attr.format, refersToQuantity(openApiField));
}

interface TypeTable { [field: string]: string }

function renderTable(version: string, clientNodeVersion: string, types: Map<string, TypeTable>): string {
  const lines = [
    "// GENERATED by tools/generate-schema.ts (`npm run generate`); do not edit by hand.",
    `// Kubernetes ${version}: fields from @kubernetes/client-node ${clientNodeVersion} models (release-${version});`,
    "// required fields from the Kubernetes 1.32 OpenAPI (api__v1_openapi.json) where the type exists",
    "// there, else from the models' .d.ts non-optional marks; quantities from the OpenAPI.",
    "// Field codes: s string, i int32, l int64, n number, b boolean, x int-or-string, q quantity,",
    "// t date-time string, f free-form JSON, @T object of type T; prefix [ array of, { map of",
    "// (string keys); a leading ! marks a required field.",
    `export const SCHEMA_KUBERNETES_VERSION = ${JSON.stringify(version)};`,
    `export const SCHEMA_ROOT = ${JSON.stringify(ROOT_TYPE)};`,
    "export const SCHEMA_TYPES: { readonly [type: string]: { readonly [field: string]: string } } = {",
  ];
  for (const name of [...types.keys()].sort()) lines.push(`  ${name}: ${JSON.stringify(types.get(name))},`);
  lines.push("};", "");
  return lines.join("\n");
}

function renderVersionModule(version: string): string {
  return [
    "// GENERATED by tools/generate-schema.ts (`npm run generate`): the Kubernetes release the",
    "// schema table was generated from, printed by `rower --version`.",
    `export const KUBERNETES_VERSION = ${JSON.stringify(version)};`,
    "",
  ].join("\n");
}

/** Builds both generated files in memory (the test compares them with the committed ones). */
export async function generateSchema(inputs: SchemaInputs): Promise<GeneratedSchema> {
  const version = await readModelsVersion(inputs.modelsDir);
  const packageJson = JSON.parse(await readFile(path.join(inputs.modelsDir, "../../../package.json"), "utf8")) as { version: string };
  const openApi = indexOpenApiByModelName(JSON.parse(await readFile(inputs.openApiFile, "utf8")) as OpenApiDocument);
  const modelFiles = new Set((await readdir(inputs.modelsDir)).filter((f) => f.endsWith(".js")).map((f) => f.slice(0, -3)));
  const modelExists = (t: string): boolean => modelFiles.has(t);

  const types = new Map<string, TypeTable>();
  const pending = [ROOT_TYPE];
  for (let typeName = pending.pop(); typeName !== undefined; typeName = pending.pop()) {
    if (types.has(typeName)) continue;
    const attributes = await loadAttributes(inputs.modelsDir, typeName);
    // client-node prefixes a group when names collide (CoreV1ResourceClaim); the core OpenAPI does not.
    const openApiType = openApi.get(typeName) ?? openApi.get(typeName.replace(/^Core(?=V\d)/, ""));
    const required = new Set(openApiType ? (openApiType.required ?? []) : await loadNonOptionalFields(inputs.modelsDir, typeName));
    const table: TypeTable = {};
    for (const attr of attributes) {
      const { code, refs } = encodeKind(attr, openApiType?.properties?.[attr.baseName], modelExists);
      table[attr.baseName] = `${required.has(attr.baseName) ? "!" : ""}${code}`;
      pending.push(...refs);
    }
    types.set(typeName, table);
  }
  return {
    kubernetesVersion: version,
    table: renderTable(version, packageJson.version, types),
    versionModule: renderVersionModule(version),
  };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where the inputs live relative to the repository (shared/ sits beside it). */
export function defaultSchemaInputs(): SchemaInputs {
  return {
    modelsDir: path.join(repoRoot, "node_modules/@kubernetes/client-node/dist/gen/models"),
    openApiFile: path.join(repoRoot, "../shared/kubernetes/api__v1_openapi.json"),
  };
}

export const GENERATED_TABLE_FILE = path.join(repoRoot, "src/validate/schema/generated.ts");
export const GENERATED_VERSION_FILE = path.join(repoRoot, "src/validate/schema/kubernetes-version.ts");

/** The inputs that are not there, each with what it is and where it comes from. */
export function missingSchemaInputs(inputs: SchemaInputs): string[] {
  const missing: string[] = [];
  if (!existsSync(inputs.modelsDir)) missing.push(`${path.relative(process.cwd(), inputs.modelsDir)} (run npm ci)`);
  if (!existsSync(inputs.openApiFile)) {
    missing.push(`${path.relative(process.cwd(), inputs.openApiFile)} (the Kubernetes 1.32 OpenAPI, kept in the shared/ folder beside the repository)`);
  }
  return missing;
}

async function writeGeneratedSchema(): Promise<void> {
  const inputs = defaultSchemaInputs();
  const missing = missingSchemaInputs(inputs);
  if (missing.length > 0) {
    // One line, no stack trace: the generator cannot run without both inputs.
    process.stderr.write(`generate-schema: missing input: ${missing.join("; ")}\n`);
    process.exit(1);
  }
  const generated = await generateSchema(inputs);
  await writeFile(GENERATED_TABLE_FILE, generated.table);
  await writeFile(GENERATED_VERSION_FILE, generated.versionModule);
  process.stdout.write(`generated schema for Kubernetes ${generated.kubernetesVersion}: ${generated.table.length} bytes\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await writeGeneratedSchema();
