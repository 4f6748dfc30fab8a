import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const pod = (name: string, image: string, namespace?: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ""}spec:\n  containers:\n  - name: main\n    image: ${image}\n`;

describe("rower render", () => {
  let dir = "";
  const file = (name: string) => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-render-"));
    await writeFile(file("two.yaml"), `${pod("web", "nginx")}---\n${pod("db", "postgres", "data")}`);
    await writeFile(file("two-changed.yaml"), `${pod("web", "nginx:1.27")}---\n${pod("db", "postgres", "data")}`);
    await writeFile(file("bad.yaml"), pod("web", '""'));
  });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it("prints each file as `# file: NAME` then its content, sorted by name, separated by ---", async () => {
    const run = await runCli(["render", file("two.yaml")]);
    expect(run.code).toBe(0);
    const parts = run.stdout.split(/^---\n/m);
    expect(parts.map((p) => p.split("\n")[0])).toEqual(["# file: data_db.yaml", "# file: web.yaml"]);
    expect(run.stdout).toContain('rower.static/managed: "true"');
  });

  it("prints JSON as [{file, content}]", async () => {
    const run = await runCli(["render", "-o", "json", file("two.yaml")]);
    expect(run.code).toBe(0);
    const files = JSON.parse(run.stdout) as { file: string; content: string }[];
    expect(files.map((f) => Object.keys(f))).toEqual([["file", "content"], ["file", "content"]]);
    expect(files.map((f) => f.file)).toEqual(["data_db.yaml", "web.yaml"]);
  });

  it("renders the same bytes every time, and one pod's bytes never depend on another", async () => {
    const [a, b, changed] = await Promise.all([
      runCli(["render", "-o", "json", file("two.yaml")]),
      runCli(["render", "-o", "json", file("two.yaml")]),
      runCli(["render", "-o", "json", file("two-changed.yaml")]),
    ]);
    expect(a.stdout).toBe(b.stdout);
    const [dbBefore, webBefore] = JSON.parse(a.stdout) as { content: string }[];
    const [dbAfter, webAfter] = JSON.parse(changed.stdout) as { content: string }[];
    expect(dbAfter?.content).toBe(dbBefore?.content);
    expect(webAfter?.content).not.toBe(webBefore?.content);
  });

  it("reads standard input", async () => {
    const run = await runCli(["render", "-"], { stdin: pod("web", "nginx") });
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith("# file: web.yaml\n")).toBe(true);
  });

  it("prints the errors as validate does and exits 1 on invalid input", async () => {
    const run = await runCli(["render", file("bad.yaml")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^The Pod "web" is invalid:\n\* spec\.containers\[0\]\.image: Required value/);
  });

  it("refuses a missing file with exit 2", async () => {
    const run = await runCli(["render", file("absent.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rower render: cannot read .*absent\.yaml: no such file\n$/);
  });
});
