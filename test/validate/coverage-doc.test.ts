// docs/validation-coverage.md is the map of what rower checks against the kubelet's Go code.
// This keeps it honest: no blank cell, a known status, and every fixture, test file and
// TypeScript function it cites exists; the counts it states are the rows it has.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const doc = readFileSync(path.join(ROOT, "docs/validation-coverage.md"), "utf8");
const table = doc.slice(doc.indexOf("## The table"), doc.indexOf("## Counts"));
const rows = table.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Go function") && !l.startsWith("| ---")).map((l) => l.slice(1, -1).split(" | ").map((c) => c.trim()));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
const source = listFiles(path.join(ROOT, "src")).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(f, "utf8")).join("\n");
const testFiles = new Set(listFiles(path.join(ROOT, "test")).map((f) => path.basename(f)));

const statusOf = (cell: string): string => (cell === "implemented" ? "implemented" : cell.replace(/:.*$/, ""));

describe("docs/validation-coverage.md", () => {
  it("has a row per Go function, five filled cells each", () => {
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      expect(row, row.join(" | ")).toHaveLength(5);
      for (const cell of row) expect(cell, row.join(" | ")).not.toBe("");
    }
  });

  it.each(rows.map((r) => [r[0] as string, r] as const))("%s", (_go, row) => {
    const [, ts = "", , fixtures = "", status = ""] = row;
    expect(["implemented", "not applicable", "not yet"]).toContain(statusOf(status));
    if (status !== "implemented") expect(status, "a row that is not implemented says why").toMatch(/^(not applicable|not yet): \S/);
    for (const [, name] of ts.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) {
      expect(new RegExp(`(function|const|class) ${name}\\b`).test(source), `${name} in src/`).toBe(true);
    }
    if (fixtures.startsWith("none:")) {
      expect(statusOf(status)).toBe("not yet");
      return;
    }
    const [files = "", inline = ""] = fixtures.split(/;?\s*inline: /);
    for (const ref of files.split(",").map((f) => f.trim()).filter((f) => f !== "")) {
      expect(existsSync(path.join(ROOT, "test/fixtures", `${ref}${ref.startsWith("decode/") ? "" : ".yaml"}`)) ||
        existsSync(path.join(ROOT, "test/fixtures", `${ref}.yaml`)) || existsSync(path.join(ROOT, "test/fixtures", `${ref}.json`)), ref).toBe(true);
    }
    for (const test of inline.split(",").map((f) => f.trim()).filter((f) => f !== "")) expect(testFiles.has(test), test).toBe(true);
  });

  it("states the row counts it has", () => {
    const count = (s: string): number => rows.filter((r) => statusOf(r[4] ?? "") === s).length;
    const counts = doc.slice(doc.indexOf("## Counts"));
    expect(counts).toContain(`| implemented | ${count("implemented")} |`);
    expect(counts).toContain(`| not applicable | ${count("not applicable")} |`);
    expect(counts).toContain(`| not yet | ${count("not yet")} |`);
  });
});
