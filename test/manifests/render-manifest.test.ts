import { describe, expect, it } from "vitest";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { MANAGED_ANNOTATION } from "../../src/naming/manifest-naming.js";
import { GO_YAML_SCHEMA } from "../../src/decode/go-yaml-schema.js";
import { load } from "js-yaml";
import type { V1Pod } from "@kubernetes/client-node";

const pod = (extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) =>
  ({ apiVersion: "v1", kind: "Pod", metadata: { name: "web", ...metadata }, spec: { containers: [{ name: "web", image: "nginx" }] }, ...extra }) as V1Pod;

const readBack = (content: string) => load(content, { schema: GO_YAML_SCHEMA }) as Record<string, unknown>;

describe("renderManifest", () => {
  const names: { desc: string; metadata: Record<string, unknown>; file: string }[] = [
    { desc: "no namespace", metadata: {}, file: "web.yaml" },
    { desc: "namespace default", metadata: { namespace: "default" }, file: "web.yaml" },
    { desc: "another namespace", metadata: { namespace: "kube-system" }, file: "kube-system_web.yaml" },
  ];
  for (const c of names) {
    it(`names the file for ${c.desc}`, () => {
      expect(renderManifest(pod({}, c.metadata)).file).toBe(c.file);
    });
  }

  it("adds the marker annotation and keeps the user's annotations", () => {
    const back = readBack(renderManifest(pod({}, { annotations: { a: "b" } })).content);
    expect(back.metadata).toEqual({ name: "web", annotations: { a: "b", [MANAGED_ANNOTATION]: "true" } });
  });

  it("adds no API defaults", () => {
    const back = readBack(renderManifest(pod()).content);
    expect(back.spec).toEqual({ containers: [{ name: "web", image: "nginx" }] });
  });

  it("writes apiVersion, kind, metadata, spec first and sorts every mapping below", () => {
    const input = { status: {}, spec: { volumes: [], containers: [{ name: "c", image: "i", args: ["b", "a"] }] }, metadata: { name: "web" }, kind: "Pod", apiVersion: "v1" } as V1Pod;
    const lines = renderManifest(input).content.split("\n").filter((l) => /^\S/.test(l) && !l.startsWith("#"));
    expect(lines).toEqual(["apiVersion: v1", "kind: Pod", "metadata:", "spec:", "status: {}"]);
    expect(Object.keys(readBack(renderManifest(input).content).spec as object)).toEqual(["containers", "volumes"]);
    expect((readBack(renderManifest(input).content).spec as { containers: { args: string[] }[] }).containers[0]?.args).toEqual(["b", "a"]);
  });

  it("is deterministic: the same pod in any key order renders the same bytes", () => {
    const a = pod({}, { labels: { x: "1", y: "2" } });
    const b = { spec: a.spec, metadata: { labels: { y: "2", x: "1" }, name: "web" }, kind: "Pod", apiVersion: "v1" } as V1Pod;
    expect(renderManifest(b).content).toBe(renderManifest(a).content);
  });

  it("reads back to the same value for strings a YAML 1.1 reader would retype", () => {
    const tricky = ["yes", "no", "on", "off", "y", "N", "~", "null", "0644", "0o17", "1e3", "12:30", "2024-01-01", "0x1F", ".inf", "<<", "1_000", "0888", "+12", "", " x ", "a: b", "#c", "l1\nl2\n"];
    const input = pod({}, { annotations: Object.fromEntries(tricky.map((t, i) => [`k${i}`, t])) });
    const back = readBack(renderManifest(input).content);
    expect((back.metadata as { annotations: Record<string, string> }).annotations).toEqual({
      ...Object.fromEntries(tricky.map((t, i) => [`k${i}`, t])),
      [MANAGED_ANNOTATION]: "true",
    });
  });

  it("never writes YAML anchors, even for objects shared through merge keys", () => {
    const decoded = decodePayload(new TextEncoder().encode(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: &l {app: web}\n  annotations: *l\nspec:\n  containers: [{name: web, image: nginx}]\n"), { source: "s" });
    if (decoded.kind !== "documents") throw new Error(`expected documents, got ${decoded.kind}`);
    const content = renderManifest(decoded.documents[0]?.value as V1Pod).content;
    expect(content).not.toMatch(/[&*]ref/);
    expect(readBack(content).metadata).toEqual({ name: "web", labels: { app: "web" }, annotations: { app: "web", [MANAGED_ANNOTATION]: "true" } });
  });

  it("keeps keys named after Object.prototype members, `__proto__` too, as the pod's own keys", () => {
    // kubectl accepts an unknown field whose value is null; the file must still hold what was validated.
    const decoded = decodePayload(new TextEncoder().encode(
      "apiVersion: v1\nkind: Pod\n__proto__: null\nconstructor: null\ntoString: null\nmetadata:\n  name: web\n" +
      "spec:\n  containers: [{name: web, image: nginx, __proto__: null, constructor: null}]\n"), { source: "s" });
    if (decoded.kind !== "documents") throw new Error(`expected documents, got ${decoded.kind}`);
    const content = renderManifest(decoded.documents[0]?.value as V1Pod).content;
    const back = JSON.parse(JSON.stringify(readBack(content))) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(["apiVersion", "kind", "metadata", "spec", "__proto__", "constructor", "toString"]);
    expect(Object.keys((back.spec as { containers: object[] }).containers[0] ?? {})).toEqual(["__proto__", "constructor", "image", "name"]);
  });
});
