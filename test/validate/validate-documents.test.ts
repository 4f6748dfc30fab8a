import { describe, expect, it } from "vitest";
import { decodePayload } from "../../src/decode/decode-payload.js";
import type { Document } from "../../src/decode/document.js";
import { validateDocuments } from "../../src/validate/validate-documents.js";

const NODE = "n".repeat(63);
const pod = (name: string, extra = "", namespace?: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${namespace === undefined ? "" : `  namespace: ${namespace}\n`}spec:\n  containers:\n  - name: main\n    image: busybox\n${extra}`;

function documentsOf(yaml: string): Document[] {
  const decoded = decodePayload(new TextEncoder().encode(yaml), { source: "test.yaml" });
  if (decoded.kind !== "documents") throw new Error(`expected documents, got ${decoded.kind}`);
  return decoded.documents;
}

const summary = (yaml: string) =>
  validateDocuments(documentsOf(yaml), { nodeName: NODE }).documents.map((d) =>
    d.errors.map((e) => ({ field: e.field, type: e.type, rule: e.rule })));

describe("validateDocuments across the set", () => {
  const cases: { desc: string; yaml: string; errors: { field: string; type: string; rule: string }[][] }[] = [
    { desc: "distinct names", yaml: `${pod("a")}---\n${pod("b")}`, errors: [[], []] },
    { desc: "one name in two namespaces", yaml: `${pod("a")}---\n${pod("a", "", "kube-system")}`, errors: [[], []] },
    {
      desc: "one name twice: the later one is the duplicate",
      yaml: `${pod("a")}---\n${pod("b")}---\n${pod("a")}`,
      errors: [[], [], [{ field: "metadata.name", type: "Duplicate value", rule: "set.pod.duplicate" }]],
    },
    {
      desc: "namespace default written out or left implicit is the same pod",
      yaml: `${pod("a")}---\n${pod("a", "", "default")}`,
      errors: [[], [{ field: "metadata.name", type: "Duplicate value", rule: "set.pod.duplicate" }]],
    },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      expect(summary(c.yaml)).toEqual(c.errors);
    });
  }

  it("names both origins in a duplicate", () => {
    const result = validateDocuments(documentsOf(`${pod("a")}---\n${pod("a")}`), { nodeName: NODE });
    expect(result.documents[1]?.errors[0]?.detail).toContain("test.yaml#0");
    expect(result.documents[1]?.errors[0]?.detail).toContain("test.yaml#1");
  });

  it("fills pods only when the whole set is valid", () => {
    expect(validateDocuments(documentsOf(`${pod("a")}---\n${pod("b")}`), { nodeName: NODE }).pods.map((p) => p.pod.metadata?.name)).toEqual(["a", "b"]);
    const invalid = validateDocuments(documentsOf(`${pod("a")}---\n${pod("a")}`), { nodeName: NODE });
    expect({ valid: invalid.valid, pods: invalid.pods }).toEqual({ valid: false, pods: [] });
  });
});

describe("validateDocuments on one pod", () => {
  it("runs every layer and reports all their errors, sorted by field", () => {
    const yaml = pod("web", "  serviceAccountName: builder\n  restartPolicy: Sometimes\n").replace("image: busybox", "image: busybox\n    ports:\n    - containerPort: 70000");
    const [errors] = summary(yaml);
    expect(errors?.map((e) => [e.field, e.type])).toEqual([
      ["spec.containers[0].ports[0].containerPort", "Invalid value"],
      ["spec.restartPolicy", "Unsupported value"],
      ["spec.serviceAccountName", "Forbidden"],
    ]);
  });

  it("orders indices as numbers", () => {
    const containers = Array.from({ length: 11 }, (_, i) => `  - name: c${i}\n    image: ""\n`).join("");
    const yaml = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\nspec:\n  containers:\n${containers}`;
    const fields = summary(yaml)[0]?.map((e) => e.field) ?? [];
    expect(fields.slice(0, 3)).toEqual(["spec.containers[0].image", "spec.containers[1].image", "spec.containers[2].image"]);
    expect(fields.at(-1)).toBe("spec.containers[10].image");
  });

  it("attaches the pod name to the origin and the source line to each error", () => {
    const result = validateDocuments(documentsOf(`${pod("ok")}---\n${pod("web", "  restartPolicy: Sometimes\n")}`), { nodeName: NODE });
    const error = result.documents[1]?.errors[0];
    expect(error?.origin).toMatchObject({ source: "test.yaml", document: 1, pod: "web" });
    expect(error?.line).toBe(18);
  });

  it("reports only the kind or apiVersion of a document that is not a v1 Pod", () => {
    const cases: { desc: string; yaml: string; errors: { field: string; type: string; rule: string }[] }[] = [
      { desc: "a Service", yaml: "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n", errors: [{ field: "kind", type: "Unsupported value", rule: "schema.kind" }] },
      { desc: "a nested List", yaml: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: []\n", errors: [{ field: "kind", type: "Unsupported value", rule: "schema.kind" }] },
      { desc: "a Pod of another apiVersion", yaml: "apiVersion: v2\nkind: Pod\nmetadata:\n  name: p\n", errors: [{ field: "apiVersion", type: "Unsupported value", rule: "schema.apiVersion" }] },
    ];
    expect(cases.map((c) => ({ desc: c.desc, errors: summary(c.yaml)[0] }))).toEqual(cases.map((c) => ({ desc: c.desc, errors: c.errors })));
  });

  it("refuses rower's marker annotation with a value other than \"true\"", () => {
    const yaml = pod("web").replace("  name: web\n", "  name: web\n  annotations:\n    rower.static/managed: \"false\"\n");
    expect(summary(yaml)).toEqual([[{ field: "metadata.annotations[rower.static/managed]", type: "Forbidden", rule: "rower.markerAnnotation" }]]);
    expect(summary(yaml.replace('"false"', '"true"'))).toEqual([[]]);
  });

  it("never throws on a document that is no pod at all", () => {
    const result = validateDocuments(documentsOf("kind: Deployment\nspec: 3\nmetadata: [1]\n"), { nodeName: NODE });
    expect(result.valid).toBe(false);
    expect(result.documents[0]?.errors.length).toBeGreaterThan(0);
  });
});
