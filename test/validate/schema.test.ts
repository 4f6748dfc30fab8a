import { YAML11_SCHEMA, load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { checkSchema } from "../../src/validate/schema/check-schema.js";
import { suggestField } from "../../src/errors/suggest-field.js";

const POD_HEAD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n";
/** A pod whose only container has the given extra lines (indented under the container). */
const withContainer = (lines: string): string =>
  `${POD_HEAD}spec:\n  containers:\n  - name: app\n    image: nginx\n${lines.replace(/^/gm, "    ")}\n`;
const withSpec = (lines: string): string =>
  `${POD_HEAD}spec:\n  containers:\n  - name: app\n    image: nginx\n${lines.replace(/^/gm, "  ")}\n`;

type Expected = { field: string; type: string; rule: string };
const cases: Array<{ desc: string; yaml: string; errors: Expected[] }> = [
  { desc: "minimal pod", yaml: withContainer(""), errors: [] },
  { desc: "pod without spec (kubectl requires none)", yaml: POD_HEAD, errors: [] },
  {
    desc: "apiVersion and kind missing",
    yaml: "metadata: {name: web}\nspec: {containers: [{name: a, image: b}]}\n",
    errors: [
      { field: "apiVersion", type: "Required value", rule: "schema.apiVersion" },
      { field: "kind", type: "Required value", rule: "schema.kind" },
    ],
  },
  {
    desc: "wrong apiVersion and kind: the rest is not measured against the Pod schema",
    yaml: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2, template: {}}\n",
    errors: [
      { field: "apiVersion", type: "Unsupported value", rule: "schema.apiVersion" },
      { field: "kind", type: "Unsupported value", rule: "schema.kind" },
    ],
  },
  {
    desc: "unknown fields at three depths",
    yaml: `${POD_HEAD}  lables: {a: b}\nspec:\n  restartPolicey: Always\n  containers:\n  - name: app\n    imagee: nginx\n    image: nginx\n    livenessProbe:\n      httpGet: {port: 80, pathh: /}\n`,
    errors: [
      { field: "metadata.lables", type: "unknown field", rule: "schema.unknownField" },
      { field: "spec.restartPolicey", type: "unknown field", rule: "schema.unknownField" },
      { field: "spec.containers[0].imagee", type: "unknown field", rule: "schema.unknownField" },
      { field: "spec.containers[0].livenessProbe.httpGet.pathh", type: "unknown field", rule: "schema.unknownField" },
    ],
  },
  {
    desc: "a missing kind still checks the rest as a Pod",
    yaml: "apiVersion: v1\nmetadata: {name: web}\nspec: {containers: [{name: a, image: b, imagee: c}]}\n",
    errors: [
      { field: "kind", type: "Required value", rule: "schema.kind" },
      { field: "spec.containers[0].imagee", type: "unknown field", rule: "schema.unknownField" },
    ],
  },
  { desc: "unknown top-level field", yaml: `${withContainer("")}statuss: {}\n`, errors: [{ field: "statuss", type: "unknown field", rule: "schema.unknownField" }] },
  { desc: "string where integer", yaml: withContainer("ports:\n- containerPort: \"80\""), errors: [{ field: "spec.containers[0].ports[0].containerPort", type: "Invalid value", rule: "schema.type" }] },
  { desc: "fraction where integer", yaml: withContainer("ports:\n- containerPort: 80.5"), errors: [{ field: "spec.containers[0].ports[0].containerPort", type: "Invalid value", rule: "schema.type" }] },
  { desc: "whole float where integer", yaml: withContainer("ports:\n- containerPort: 80.0"), errors: [] },
  { desc: "int32 overflow", yaml: withContainer("ports:\n- containerPort: 4294967296"), errors: [{ field: "spec.containers[0].ports[0].containerPort", type: "Invalid value", rule: "schema.type" }] },
  { desc: "int64 field takes a large integer", yaml: withSpec("activeDeadlineSeconds: 4294967296"), errors: [] },
  { desc: "number where string", yaml: withContainer("workingDir: 123"), errors: [{ field: "spec.containers[0].workingDir", type: "Invalid value", rule: "schema.type" }] },
  { desc: "string where boolean", yaml: withContainer("stdin: \"true\""), errors: [{ field: "spec.containers[0].stdin", type: "Invalid value", rule: "schema.type" }] },
  { desc: "YAML 1.1 yes is a boolean", yaml: withContainer("stdin: yes\ntty: off"), errors: [] },
  { desc: "string where object", yaml: withContainer("resources: big"), errors: [{ field: "spec.containers[0].resources", type: "Invalid value", rule: "schema.type" }] },
  { desc: "scalar where array", yaml: withContainer("args: hello"), errors: [{ field: "spec.containers[0].args", type: "Invalid value", rule: "schema.type" }] },
  { desc: "object where string", yaml: withContainer("workingDir: {a: 1}"), errors: [{ field: "spec.containers[0].workingDir", type: "Invalid value", rule: "schema.type" }] },
  { desc: "int-or-string takes a name", yaml: withContainer("livenessProbe:\n  httpGet: {port: http}"), errors: [] },
  { desc: "int-or-string takes an integer", yaml: withContainer("livenessProbe:\n  tcpSocket: {port: 8080}"), errors: [] },
  { desc: "int-or-string refuses a boolean", yaml: withContainer("livenessProbe:\n  tcpSocket: {port: true}"), errors: [{ field: "spec.containers[0].livenessProbe.tcpSocket.port", type: "Invalid value", rule: "schema.type" }] },
  { desc: "int-or-string refuses a fraction", yaml: withContainer("livenessProbe:\n  tcpSocket: {port: 80.5}"), errors: [{ field: "spec.containers[0].livenessProbe.tcpSocket.port", type: "Invalid value", rule: "schema.type" }] },
  { desc: "quantities as strings and numbers", yaml: withContainer("resources:\n  limits: {cpu: 1, memory: 0.5}\n  requests: {cpu: 100m, memory: 64Mi}"), errors: [] },
  { desc: "bad quantity string", yaml: withContainer("resources:\n  limits: {memory: 64MB}"), errors: [{ field: "spec.containers[0].resources.limits[memory]", type: "Invalid value", rule: "schema.quantity" }] },
  { desc: "boolean quantity", yaml: withContainer("resources:\n  requests: {cpu: true}"), errors: [{ field: "spec.containers[0].resources.requests[cpu]", type: "Invalid value", rule: "schema.quantity" }] },
  { desc: "object quantity", yaml: withContainer("resources:\n  requests: {cpu: {a: 1}}"), errors: [{ field: "spec.containers[0].resources.requests[cpu]", type: "Invalid value", rule: "schema.type" }] },
  { desc: "bad emptyDir sizeLimit", yaml: withSpec("volumes:\n- name: v\n  emptyDir: {sizeLimit: huge}"), errors: [{ field: "spec.volumes[0].emptyDir.sizeLimit", type: "Invalid value", rule: "schema.quantity" }] },
  { desc: "bad overhead quantity", yaml: withSpec("overhead: {cpu: x1}"), errors: [{ field: "spec.overhead[cpu]", type: "Invalid value", rule: "schema.quantity" }] },
  { desc: "containers missing", yaml: `${POD_HEAD}spec:\n  restartPolicy: Always\n`, errors: [{ field: "spec.containers", type: "Required value", rule: "schema.required" }] },
  { desc: "containers null", yaml: `${POD_HEAD}spec:\n  containers: null\n`, errors: [{ field: "spec.containers", type: "Required value", rule: "schema.required" }] },
  { desc: "container name missing", yaml: `${POD_HEAD}spec:\n  containers:\n  - image: nginx\n`, errors: [{ field: "spec.containers[0].name", type: "Required value", rule: "schema.required" }] },
  { desc: "container port missing", yaml: withContainer("ports:\n- name: http"), errors: [{ field: "spec.containers[0].ports[0].containerPort", type: "Required value", rule: "schema.required" }] },
  { desc: "null optional field means unset", yaml: withContainer("workingDir: null\nresources: null"), errors: [] },
  { desc: "an unknown field set to null is unset, as kubectl reads it", yaml: withContainer("imagee: null"), errors: [] },
  { desc: "null metadata means unset", yaml: "apiVersion: v1\nkind: Pod\nmetadata: null\nspec: {containers: [{name: a, image: b}]}\n", errors: [] },
  { desc: "null array item", yaml: withContainer("env:\n- null"), errors: [{ field: "spec.containers[0].env[0]", type: "Invalid value", rule: "schema.type" }] },
  { desc: "number label value", yaml: `${POD_HEAD}  labels: {tier: 1}\n`, errors: [{ field: "metadata.labels[tier]", type: "Invalid value", rule: "schema.type" }] },
  { desc: "null annotation value", yaml: `${POD_HEAD}  annotations: {note: null}\n`, errors: [{ field: "metadata.annotations[note]", type: "Invalid value", rule: "schema.type" }] },
  { desc: "boolean nodeSelector value", yaml: withSpec("nodeSelector: {ssd: true}"), errors: [{ field: "spec.nodeSelector[ssd]", type: "Invalid value", rule: "schema.type" }] },
  { desc: "YAML 1.1 octal mode", yaml: withSpec("volumes:\n- name: v\n  hostPath: {path: /x}\n- name: w\n  downwardAPI: {defaultMode: 0644}"), errors: [] },
  { desc: "bad date-time", yaml: `${POD_HEAD}  creationTimestamp: yesterday\n`, errors: [{ field: "metadata.creationTimestamp", type: "Invalid value", rule: "schema.dateTime" }] },
  { desc: "free-form managedFields.fieldsV1", yaml: `${POD_HEAD}  managedFields:\n  - fieldsV1: {f:spec: {any: 1}}\n`, errors: [] },
  {
    desc: "every problem is reported, not the first",
    yaml: `${POD_HEAD}spec:\n  containers:\n  - image: 5\n    portz: []\n  - name: b\n    tty: maybe\n`,
    errors: [
      { field: "spec.containers[0].image", type: "Invalid value", rule: "schema.type" },
      { field: "spec.containers[0].portz", type: "unknown field", rule: "schema.unknownField" },
      { field: "spec.containers[0].name", type: "Required value", rule: "schema.required" },
      { field: "spec.containers[1].tty", type: "Invalid value", rule: "schema.type" },
    ],
  },
];

describe("checkSchema", () => {
  it.each(cases)("$desc", ({ yaml, errors }) => {
    const value = load(yaml, { schema: YAML11_SCHEMA });
    const got = checkSchema(value).map(({ field, type, rule }) => ({ field, type, rule }));
    expect(got).toEqual(errors);
  });

  const odd: Array<{ desc: string; value: unknown }> = [
    { desc: "null document", value: null },
    { desc: "array document", value: [1, 2] },
    { desc: "string document", value: "pod" },
  ];
  it.each(odd)("a non-object document is one error at the root: $desc", ({ value }) => {
    expect(checkSchema(value).map(({ field, type, rule }) => ({ field, type, rule }))).toEqual([{ field: "", type: "Invalid value", rule: "schema.type" }]);
  });

  it("names the expected type and suggests the near field", () => {
    const errors = checkSchema(load(withContainer("imgae: x\nports:\n- containerPort: \"80\""), { schema: YAML11_SCHEMA }));
    expect(errors.map((e) => e.detail)).toEqual(['did you mean "image"?', "must be of type integer"]);
  });
});

describe("suggestField", () => {
  const known = ["image", "imagePullPolicy", "name", "ports", "volumeMounts", "workingDir"];
  const cases: Array<{ unknown: string; suggestion: string | undefined }> = [
    { unknown: "imagee", suggestion: "image" }, // insertion
    { unknown: "imag", suggestion: "image" }, // deletion
    { unknown: "imafe", suggestion: "image" }, // substitution
    { unknown: "imgae", suggestion: "image" }, // adjacent swap
    { unknown: "volumemounts", suggestion: "volumeMounts" }, // case only
    { unknown: "WorkingDir", suggestion: "workingDir" },
    { unknown: "port", suggestion: "ports" },
    { unknown: "img", suggestion: undefined }, // two edits
    { unknown: "command", suggestion: undefined },
  ];
  it.each(cases)("$unknown", ({ unknown, suggestion }) => {
    expect(suggestField(unknown, known)).toBe(suggestion);
  });
});
