import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodePayload } from "../../src/decode/decode-payload.js";
import type { Decoded } from "../../src/decode/document.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const base64 = (b: Uint8Array) => utf8(Buffer.from(b).toString("base64"));
const gzip = (b: Uint8Array) => new Uint8Array(gzipSync(b));

const POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n";
const POD_VALUE = {
  apiVersion: "v1", kind: "Pod", metadata: { name: "web" },
  spec: { containers: [{ name: "web", image: "nginx" }] },
};
const LAUGHS = ["a: &a [x,x,x,x,x,x,x,x,x,x]"]
  .concat("bcdefgh".split("").map((c, i) => `${c}: &${c} [${Array(10).fill(`*${"abcdefgh"[i]}`).join(",")}]`))
  .join("\n");

const values = (d: Decoded) => (d.kind === "documents" ? d.documents.map((x) => x.value) : d.kind);
const origins = (d: Decoded) => (d.kind === "documents" ? d.documents.map((x) => x.origin) : d.kind);
const errors = (d: Decoded) =>
  d.kind === "invalid" ? d.errors.map((e) => ({ rule: e.rule, document: e.origin.document, line: e.line, field: e.field })) : d.kind;

describe("decodePayload accepts", () => {
  const cases: { desc: string; input: Uint8Array; values: unknown[] }[] = [
    { desc: "one pod", input: utf8(POD), values: [POD_VALUE] },
    { desc: "JSON", input: utf8(JSON.stringify(POD_VALUE)), values: [POD_VALUE] },
    { desc: "a UTF-8 BOM and CRLF line ends", input: utf8(`\uFEFF${POD.replaceAll("\n", "\r\n")}`), values: [POD_VALUE] },
    { desc: "gzip", input: gzip(utf8(POD)), values: [POD_VALUE] },
    { desc: "base64", input: base64(utf8(POD)), values: [POD_VALUE] },
    { desc: "base64 wrapped at 76 columns", input: utf8(Buffer.from(POD).toString("base64").replace(/.{76}/g, "$&\n")), values: [POD_VALUE] },
    { desc: "base64 of gzip", input: base64(gzip(utf8(POD))), values: [POD_VALUE] },
    { desc: "gzip of base64", input: gzip(base64(utf8(POD))), values: [POD_VALUE] },
    { desc: "multi-document with empty documents skipped", input: utf8(`---\n---\n${POD}---\n# nothing\n---\n${POD}`), values: [POD_VALUE, POD_VALUE] },
    {
      desc: "YAML 1.1 scalars as Go's sigs.k8s.io/yaml reads them",
      input: utf8("a: yes\nb: off\nc: 0644\nd: 0x1F\ne: 1e3\nf: 12:30\ng: 2024-01-01\nh: ~\ni: 0o17\nj: 1_000\nk: \"0644\"\nl: 0888\nm: y\n"),
      values: [{ a: true, b: false, c: 420, d: 31, e: 1000, f: "12:30", g: "2024-01-01", h: null, i: 15, j: 1000, k: "0644", l: 888, m: true }],
    },
    // goyaml v2 takes a tab inside a flow collection for white space; js-yaml alone would not.
    { desc: "a tab inside a flow collection", input: utf8("a: [x,\tz]\nb: {c: 1,\td: \"\t\"}\n"), values: [{ a: ["x", "z"], b: { c: 1, d: "\t" } }] },
    // kubectl reads a payload starting with "{" as a stream of JSON objects.
    { desc: "concatenated JSON objects", input: utf8(`${JSON.stringify(POD_VALUE)}${JSON.stringify(POD_VALUE)}\n${JSON.stringify(POD_VALUE)}`), values: [POD_VALUE, POD_VALUE, POD_VALUE] },
    { desc: "merge keys", input: utf8("base: &b {a: 1, c: 2}\nm:\n  <<: *b\n  c: 3\n"), values: [{ base: { a: 1, c: 2 }, m: { a: 1, c: 3 } }] },
    {
      desc: "kind: List expanded to its items",
      input: utf8(`apiVersion: v1\nkind: List\nitems:\n- ${JSON.stringify(POD_VALUE)}\n- ${JSON.stringify(POD_VALUE)}\n`),
      values: [POD_VALUE, POD_VALUE],
    },
    { desc: "kind: PodList expanded", input: utf8(`apiVersion: v1\nkind: PodList\nitems: [${JSON.stringify(POD_VALUE)}]\n`), values: [POD_VALUE] },
    { desc: "an empty List", input: utf8("apiVersion: v1\nkind: List\nitems: []\n"), values: [] },
    {
      desc: "PodList items without apiVersion and kind, typed as v1 Pods",
      input: utf8("apiVersion: v1\nkind: PodList\nmetadata: {resourceVersion: '7', remainingItemCount: 0}\nitems:\n- metadata: {name: a}\n- {kind: Pod, metadata: {name: b}}\n"),
      values: [{ apiVersion: "v1", kind: "Pod", metadata: { name: "a" } }, { apiVersion: "v1", kind: "Pod", metadata: { name: "b" } }],
    },
    { desc: "List items as written (a List item must say what it is)", input: utf8("apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n"), values: [{ metadata: { name: "a" } }] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      expect(values(decodePayload(c.input, { source: "test" }))).toEqual(c.values);
    });
  }
});

describe("decodePayload returns empty", () => {
  const cases: { desc: string; input: string }[] = [
    { desc: "nothing", input: "" },
    { desc: "whitespace", input: "  \n\t\n" },
    { desc: "comments only", input: "# a comment\n\n# another\n" },
    { desc: "only document markers", input: "---\n---\n" },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      expect(decodePayload(utf8(c.input), { source: "test" })).toEqual({ kind: "empty", source: "test" });
    });
  }
});

describe("decodePayload rejects", () => {
  const cases: { desc: string; input: Uint8Array; maxBytes?: number; errors: unknown[] }[] = [
    { desc: "a duplicate key", input: utf8("a: 1\nb:\n  c: 2\n  c: 3\n"), errors: [{ rule: "decode.duplicateKey", document: 0, line: 4, field: "" }] },
    { desc: "a duplicate key in the second document", input: utf8(`${POD}---\nx: 1\nx: 2\n`), errors: [{ rule: "decode.duplicateKey", document: 1, line: 11, field: "" }] },
    { desc: "a YAML syntax error", input: utf8("a: 1\n---\nb: [\n"), errors: [{ rule: "decode.yaml", document: 1, line: 4, field: "" }] },
    { desc: "an undefined alias", input: utf8("a: *nope\n"), errors: [{ rule: "decode.yaml", document: 0, line: 1, field: "" }] },
    { desc: "billion laughs", input: utf8(LAUGHS), errors: [{ rule: "decode.aliasBomb", document: 0, line: 1, field: "" }] },
    { desc: "non-UTF-8 bytes", input: new Uint8Array([...utf8("a: 1\nb: "), 0xff, 0x0a]), errors: [{ rule: "decode.utf8", document: 0, line: 2, field: "" }] },
    { desc: "an overlong UTF-8 form", input: new Uint8Array([...utf8("a: "), 0xc0, 0xaf]), errors: [{ rule: "decode.utf8", document: 0, line: 1, field: "" }] },
    { desc: "a payload over the cap", input: utf8(`a: "${"x".repeat(200)}"\n`), maxBytes: 100, errors: [{ rule: "decode.tooLarge", document: 0, line: undefined, field: "" }] },
    { desc: "a gzip bomb", input: gzip(new Uint8Array(20_000_000)), errors: [{ rule: "decode.tooLarge", document: 0, line: undefined, field: "" }] },
    { desc: "corrupt gzip", input: new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4]), errors: [{ rule: "decode.gzip", document: 0, line: undefined, field: "" }] },
    { desc: "a scalar document", input: utf8(`${POD}---\nhello\n`), errors: [{ rule: "decode.notMapping", document: 1, line: 10, field: "" }] },
    { desc: "a sequence document", input: utf8("- a\n- b\n"), errors: [{ rule: "decode.notMapping", document: 0, line: 1, field: "" }] },
    { desc: "a List item that is not a mapping", input: utf8("apiVersion: v1\nkind: List\nitems:\n- 3\n"), errors: [{ rule: "decode.notMapping", document: 0, line: 4, field: "items[0]" }] },
    { desc: "List items that are not a sequence", input: utf8("apiVersion: v1\nkind: List\nitems: 3\n"), errors: [{ rule: "list.items.type", document: 0, line: 3, field: "items" }] },
    { desc: "an explicit null document (~)", input: utf8("~\n"), errors: [{ rule: "decode.notMapping", document: 0, line: 1, field: "" }] },
    { desc: "an explicit null document (null)", input: utf8("null\n"), errors: [{ rule: "decode.notMapping", document: 0, line: 1, field: "" }] },
    { desc: "an explicit null after a marker (--- null)", input: utf8("--- null\n"), errors: [{ rule: "decode.notMapping", document: 0, line: 1, field: "" }] },
    { desc: "an explicit null between empty documents", input: utf8("---\n---\n~\n---\n"), errors: [{ rule: "decode.notMapping", document: 1, line: 3, field: "" }] },
    { desc: "a tagged null document", input: utf8("!!null ''\n"), errors: [{ rule: "decode.notMapping", document: 0, line: 1, field: "" }] },
    { desc: "nesting past 100 levels", input: utf8(`${"[".repeat(200)}${"]".repeat(200)}`), errors: [{ rule: "decode.yaml", document: 0, line: 1, field: "" }] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const options = c.maxBytes === undefined ? { source: "test" } : { source: "test", maxBytes: c.maxBytes };
      expect(errors(decodePayload(c.input, options))).toEqual(c.errors);
    });
  }

  it("names the duplicate key in its detail", () => {
    const decoded = decodePayload(utf8("image: a\nimage: b\n"), { source: "test" });
    expect(decoded.kind === "invalid" && decoded.errors[0]?.detail).toContain('"image"');
  });

  it("unwraps each layer at most once", () => {
    // base64 of base64: after one layer the text is base64 again, which stays text: a scalar document.
    const twice = base64(base64(utf8(POD)));
    expect(errors(decodePayload(twice, { source: "test" }))).toEqual([{ rule: "decode.notMapping", document: 0, line: 1, field: "" }]);
  });
});

describe("decodePayload origins and lines", () => {
  it("gives every document its index and first line, and List items an item index", () => {
    const input = utf8(`${POD}---\napiVersion: v1\nkind: List\nitems:\n- ${JSON.stringify(POD_VALUE)}\n- ${JSON.stringify(POD_VALUE)}\n`);
    expect(origins(decodePayload(input, { source: "s" }))).toEqual([
      { source: "s", document: 0, line: 1 },
      { source: "s", document: 1, item: 0, line: 13 },
      { source: "s", document: 1, item: 1, line: 14 },
    ]);
  });

  it("finds the line of a field path, or of its nearest ancestor", () => {
    const decoded = decodePayload(utf8(`${POD}  nodeSelector:\n    kubernetes.io/os: linux\n`), { source: "s" });
    if (decoded.kind !== "documents") throw new Error(`expected documents, got ${decoded.kind}`);
    const lineOf = decoded.documents[0]?.lineOf ?? (() => undefined);
    const cases: [string, number | undefined][] = [
      ["metadata.name", 4],
      ["spec.containers[0].image", 8],
      ["spec.containers[0]", 7],
      ["spec.containers[0].ports", 7],
      ["spec.nodeSelector[kubernetes.io/os]", 10],
      ["spec.volumes", 5],
      ["", 1],
    ];
    expect(cases.map(([field]) => [field, lineOf(field)])).toEqual(cases);
  });

  it("resolves item lines inside a List", () => {
    const decoded = decodePayload(utf8("apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata:\n    name: x\n"), { source: "s" });
    if (decoded.kind !== "documents") throw new Error(`expected documents, got ${decoded.kind}`);
    expect(decoded.documents[0]?.lineOf?.("metadata.name")).toBe(6);
  });
});

describe("decodePayload checks List wrappers strictly", () => {
  const LIST = (body: string) => utf8(`apiVersion: v1\nkind: List\n${body}`);
  const cases: { desc: string; input: Uint8Array; errors: { field: string; type: string; rule: string; detail?: string }[] }[] = [
    { desc: "items misspelt", input: LIST("itmes: []\n"), errors: [
      { field: "itmes", type: "unknown field", rule: "list.unknownField", detail: 'did you mean "items"?' },
      { field: "items", type: "Required value", rule: "list.items.required" },
    ] },
    { desc: "items missing", input: LIST(""), errors: [{ field: "items", type: "Required value", rule: "list.items.required" }] },
    { desc: "items null", input: LIST("items: ~\n"), errors: [{ field: "items", type: "Required value", rule: "list.items.required" }] },
    { desc: "an extra key", input: LIST("items: []\nspec: {}\n"), errors: [{ field: "spec", type: "unknown field", rule: "list.unknownField" }] },
    { desc: "a List of another apiVersion", input: utf8("apiVersion: apps/v1\nkind: List\nitems: []\n"), errors: [{ field: "apiVersion", type: "Unsupported value", rule: "list.apiVersion" }] },
    { desc: "a PodList without apiVersion", input: utf8("kind: PodList\nitems: []\n"), errors: [{ field: "apiVersion", type: "Required value", rule: "list.apiVersion" }] },
    { desc: "an unknown ListMeta field", input: LIST("metadata: {resourceVersoin: '1'}\nitems: []\n"), errors: [
      { field: "metadata.resourceVersoin", type: "unknown field", rule: "list.unknownField", detail: 'did you mean "resourceVersion"?' },
    ] },
    { desc: "a ListMeta field of the wrong type", input: LIST("metadata: {remainingItemCount: many}\nitems: []\n"), errors: [
      { field: "metadata.remainingItemCount", type: "Invalid value", rule: "list.metadata.type", detail: "must be of type integer" },
    ] },
    { desc: "metadata not a mapping", input: LIST("metadata: 3\nitems: []\n"), errors: [{ field: "metadata", type: "Invalid value", rule: "list.metadata.type", detail: "must be of type object" }] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const decoded = decodePayload(c.input, { source: "test" });
      // toMatchObject: same length, each error has the listed fields (detail only where given).
      expect(decoded.kind === "invalid" ? decoded.errors : decoded.kind).toMatchObject(c.errors);
    });
  }

  it("places the wrapper's errors on the List document, with the line of the field", () => {
    const decoded = decodePayload(utf8(`${POD}---\napiVersion: v1\nkind: List\nitmes: []\n`), { source: "s" });
    expect(decoded.kind === "invalid" ? decoded.errors.map((e) => ({ field: e.field, origin: e.origin, line: e.line })) : decoded.kind).toEqual([
      { field: "itmes", origin: { source: "s", document: 1, line: 10 }, line: 12 },
      { field: "items", origin: { source: "s", document: 1, line: 10 }, line: 10 },
    ]);
  });
});

describe("decodePayload keeps the documents that decoded beside the errors", () => {
  const indices = (d: Decoded) => (d.kind === "empty" ? d.kind : (d.documents ?? []).map((x) => x.origin.document));
  const cases: { desc: string; input: string; documents: number[]; errors: number[] }[] = [
    { desc: "a sequence between two pods", input: `${POD}---\n- a\n---\n${POD}`, documents: [0, 2], errors: [1] },
    { desc: "a duplicate key between two pods", input: `${POD}---\nx: 1\nx: 2\n---\n${POD}`, documents: [0, 2], errors: [1] },
    { desc: "a syntax error after two pods", input: `${POD}---\n${POD}---\nb: [\n`, documents: [0, 1], errors: [2] },
    { desc: "a syntax error after a leading marker", input: `---\n${POD}---\nb: [\n`, documents: [0], errors: [1] },
    { desc: "a syntax error in the first document", input: `b: [\n---\n${POD}`, documents: [], errors: [0] },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const decoded = decodePayload(utf8(c.input), { source: "test" });
      expect({ kind: decoded.kind, documents: indices(decoded), errors: decoded.kind === "invalid" ? decoded.errors.map((e) => e.origin.document) : [] })
        .toEqual({ kind: "invalid", documents: c.documents, errors: c.errors });
    });
  }
});

describe("decodePayload bounds the work a payload can cause, not only its bytes", () => {
  const tiny = (n: number, open = false) => utf8(`${open ? "---\n" : ""}${Array(n).fill("{a: 1}\n").join("---\n")}`);
  const list = (n: number) => utf8(JSON.stringify({ apiVersion: "v1", kind: "List", items: Array(n).fill({ a: 1 }) }));
  it("10,000 documents decode (with or without a leading ---)", () => {
    expect(decodePayload(tiny(10_000), { source: "s" }).kind).toBe("documents");
    expect(decodePayload(tiny(10_000, true), { source: "s" }).kind).toBe("documents");
    expect(decodePayload(list(10_000), { source: "s" }).kind).toBe("documents");
  });
  const refused: Array<[string, Uint8Array]> = [
    ["10,001 documents", tiny(10_001)],
    ["74,000 `{}` documents (within 512 KiB) in 1 KB of base64(gzip), as the hostile review sent", base64(gzip(utf8("{}\n---\n".repeat(74_000))))],
    ["a List of 10,001 items", list(10_001)],
  ];
  for (const [desc, input] of refused) {
    it(`${desc}: one error for the payload`, () => {
      expect(errors(decodePayload(input, { source: "s" }))).toEqual([{ rule: "decode.tooManyDocuments", document: 0, line: undefined, field: "" }]);
    });
  }
});

describe("a JSON stream", () => {
  it("gives each object its own document index and line", () => {
    const decoded = decodePayload(utf8(`{"kind": "Pod"}\n\n{"kind": "Pod",\n "metadata": {"name": "b"}}`), { source: "s" });
    expect(origins(decoded)).toEqual([{ source: "s", document: 0, line: 1 }, { source: "s", document: 1, line: 3 }]);
    expect(decoded.kind === "documents" ? decoded.documents[1]?.lineOf?.("metadata.name") : undefined).toBe(4);
  });

  it("reports a broken last object on its own document", () => {
    expect(errors(decodePayload(utf8(`{"a": 1}\n{"b": [}`), { source: "s" }))).toEqual([{ rule: "decode.yaml", document: 0, line: 2, field: "" }]);
  });
});
