import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROWER, runCli } from "./run-cli.js";

const VALID = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n";
const NO_IMAGE = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n";
const FIRST = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\nspec:\n  containers:\n  - name: web\n    image: nginx\n";
const TYPO = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: web\n    image: nginx\n    imagee: nginx\n";

interface JsonResult {
  valid: boolean;
  documents: { origin: { source: string; document: number }; kind: string | null; name: string | null; errors: { field: string; type: string; rule: string; value: unknown; detail: string | null }[] }[];
}

describe("rower validate", () => {
  let dir = "";
  const file = (name: string) => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-validate-"));
    await writeFile(file("valid.yaml"), VALID);
    await writeFile(file("no-image.yaml"), NO_IMAGE);
    await writeFile(file("typo.yaml"), TYPO);
    await writeFile(file("empty.yaml"), "# nothing here\n");
    await writeFile(file("dup-key.yaml"), "apiVersion: v1\nkind: Pod\nkind: Pod\n");
    await writeFile(file("same-name.yaml"), VALID.replace("image: nginx", "image: httpd"));
    await writeFile(file("null.yaml"), "~\n");
    await writeFile(file("list-typo.yaml"), "apiVersion: v1\nkind: List\nitmes: []\n");
    await writeFile(file("mixed.yaml"), `${VALID}---\n- a\n---\n${NO_IMAGE.replace("name: web\nspec", "name: bad\nspec")}---\nb: [\n`);
    await symlink(ROWER, file("kubectl-rower"));
  });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  const cases: { desc: string; args: (f: typeof file) => string[]; stdin?: string; code: number; stdout?: RegExp; stderr?: RegExp }[] = [
    { desc: "a valid pod", args: (f) => [f("valid.yaml")], code: 0, stdout: /^pod\/web validated\n$/ },
    { desc: "-f, as kubectl users type it", args: (f) => ["-f", f("valid.yaml")], code: 0, stdout: /^pod\/web validated\n$/ },
    { desc: "standard input", args: () => ["-"], stdin: VALID, code: 0, stdout: /^pod\/web validated\n$/ },
    { desc: "-f - for standard input", args: () => ["-f", "-"], stdin: VALID, code: 0, stdout: /^pod\/web validated\n$/ },
    { desc: "both example pods", args: () => ["examples/pods.yaml"], code: 0, stdout: /^examples\/pods\.yaml#0: pod\/hello validated\nexamples\/pods\.yaml#1: pod\/clock validated\n$/ },
    { desc: "a missing image", args: (f) => [f("no-image.yaml")], code: 1, stdout: /^The Pod "web" is invalid:\n\* spec\.containers\[0\]\.image: Required value/ },
    { desc: "an unknown field", args: (f) => [f("typo.yaml")], code: 1, stdout: /\* spec\.containers\[0\]\.imagee: unknown field "imagee"/ },
    { desc: "a duplicate key", args: (f) => [f("dup-key.yaml")], code: 1, stdout: /^error: cannot decode:\n\* line 3: duplicate mapping key "kind"\n$/ },
    { desc: "an empty payload", args: (f) => [f("empty.yaml")], code: 1, stdout: /^error: no pods\n$/ },
    { desc: "empty standard input", args: () => ["-"], stdin: "", code: 1, stdout: /^error: no pods\n$/ },
    { desc: "an explicit null document", args: (f) => [f("null.yaml")], code: 1, stdout: /^error: cannot decode:\n\* line 1: a document must be a mapping \(an object\), not null\n$/ },
    { desc: "a List with items misspelt", args: (f) => [f("list-typo.yaml")], code: 1, stdout: /^error: invalid document:\n\* itmes: unknown field "itmes" \(did you mean "items"\?\)\n\* items: Required value\n$/ },
    {
      desc: "a decode error among pods: every document reported in payload order, each prefixed",
      args: (f) => [f("mixed.yaml")], code: 1,
      stdout: /^\S*mixed\.yaml#0: pod\/web validated\n\S*mixed\.yaml#1: error: cannot decode:\n\S*mixed\.yaml#1: \* line 10: a document must be a mapping \(an object\), not a sequence\n\S*mixed\.yaml#2: The Pod "bad" is invalid:\n\S*mixed\.yaml#2: \* spec\.containers\[0\]\.image: Required value\n\S*mixed\.yaml#3: error: cannot decode:\n\S*mixed\.yaml#3: \* line 21: /,
    },
    { desc: "a node name the kubelet could not use", args: (f) => ["--node-name", "node_1", f("valid.yaml")], code: 2, stderr: /--node-name.*DNS-1123 subdomain/ },
    { desc: "an upper-case node name, lowercased as the kubelet does", args: (f) => ["--node-name", "Node-1", f("valid.yaml")], code: 0, stdout: /^pod\/web validated\n$/ },
    { desc: "several inputs, each line prefixed", args: (f) => [f("valid.yaml"), "-f", f("no-image.yaml")], code: 1, stdout: /valid\.yaml#0: pod\/web validated\n.*no-image\.yaml#0: The Pod "web" is invalid:\n.*no-image\.yaml#0: \* spec\.containers\[0\]\.image: Required value/ },
    { desc: "-f - before a file: standard input reported first", args: (f) => ["-f", "-", f("valid.yaml")], stdin: FIRST, code: 0, stdout: /^stdin#0: pod\/first validated\n\S*valid\.yaml#0: pod\/web validated\n$/ },
    { desc: "a file before --filename=-: the file reported first", args: (f) => [f("valid.yaml"), "--filename=-"], stdin: FIRST, code: 0, stdout: /^\S*valid\.yaml#0: pod\/web validated\nstdin#0: pod\/first validated\n$/ },
    {
      desc: "option values between inputs are not inputs",
      args: (f) => ["--node-name", "node", "-f", "-", "-o", "text", "--max-bytes", "4096", f("valid.yaml")], stdin: FIRST, code: 0,
      stdout: /^stdin#0: pod\/first validated\n\S*valid\.yaml#0: pod\/web validated\n$/,
    },
    { desc: "no input at all", args: () => [], code: 2, stderr: /^rower validate: no input/ },
    { desc: "a missing file", args: (f) => [f("absent.yaml")], code: 2, stderr: /^rower validate: cannot read .*absent\.yaml: no such file\n$/ },
    { desc: "an unknown output format", args: (f) => [f("valid.yaml"), "-o", "xml"], code: 2, stderr: /xml/ },
    { desc: "a bad --max-bytes", args: (f) => [f("valid.yaml"), "--max-bytes", "lots"], code: 2, stderr: /max-bytes/ },
    { desc: "a payload over --max-bytes", args: (f) => [f("valid.yaml"), "--max-bytes", "10"], code: 1, stdout: /more than the 10-byte limit/ },
    { desc: "a name too long for --node-name", args: (f) => [f("valid.yaml"), "--node-name", "n".repeat(250)], code: 1, stdout: /\* metadata\.name: / },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const run = await runCli(["validate", ...c.args(file)], c.stdin === undefined ? {} : { stdin: c.stdin });
      expect({ code: run.code, ...(c.stdout ? {} : { stdout: run.stdout }) }).toEqual({ code: c.code, ...(c.stdout ? {} : { stdout: "" }) });
      if (c.stdout) expect(run.stdout).toMatch(c.stdout);
      if (c.stderr) expect(run.stderr).toMatch(c.stderr);
      else expect(run.stderr).toBe("");
    });
  }

  it("prints JSON in the documented shape", async () => {
    const run = await runCli(["validate", "-o", "json", file("valid.yaml"), file("no-image.yaml")]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(Object.keys(result)).toEqual(["valid", "documents"]);
    expect(result.valid).toBe(false);
    expect(result.documents.map((d) => Object.keys(d))).toEqual([["origin", "kind", "name", "errors"], ["origin", "kind", "name", "errors"]]);
    expect(result.documents[0]).toMatchObject({ kind: "Pod", name: "web", errors: [] });
    const errors = result.documents[1]?.errors ?? [];
    expect(errors.map((e) => Object.keys(e))).toEqual(errors.map(() => ["field", "type", "rule", "value", "detail"]));
    expect(errors).toContainEqual(expect.objectContaining({ field: "spec.containers[0].image", type: "Required value" }));
  });

  it("reports a pod declared twice across inputs, naming both origins", async () => {
    const run = await runCli(["validate", "-o", "json", file("valid.yaml"), file("same-name.yaml")]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as JsonResult;
    const errors = result.documents[1]?.errors ?? [];
    expect(errors).toEqual([expect.objectContaining({ field: "metadata.name", type: "Duplicate value", rule: "set.pod.duplicate", value: "web" })]);
    expect(errors[0]?.detail).toContain("valid.yaml#0");
    expect(errors[0]?.detail).toContain("same-name.yaml#0");
  });

  it("runs as the kubectl plugin kubectl-rower", async () => {
    const run = await runCli(["validate", "-f", file("valid.yaml")], { script: file("kubectl-rower") });
    expect(run).toEqual({ code: 0, stdout: "pod/web validated\n", stderr: "" });
  });
});
