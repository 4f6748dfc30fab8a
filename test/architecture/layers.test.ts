// The layering the README's layout paragraph describes, read from the import statements
// themselves: leaves import no other part of src, nothing below the CLI imports it, and
// decoding never reaches into validation.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");
/** Leaves every layer may use; each may import only other leaves. */
const LEAVES = new Set(["errors", "naming", "contract", "digest", "gzip", "output", "fs-watch", "guards"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []);
}

/** Every (importing part, imported part) pair inside src, with the file that makes it. */
const EDGES = sourceFiles(SRC).flatMap((file) => {
  const from = relative(SRC, file).split("/")[0] ?? "";
  const specifiers = [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1] ?? "");
  return specifiers.map((specifier) => ({ file: relative(SRC, file), from, to: relative(SRC, resolve(dirname(file), specifier)).split("/")[0] ?? "" }));
}).filter((edge) => edge.from !== edge.to);

describe("layers", () => {
  it("sees the tree (a test that reads nothing cannot fail)", () => {
    expect(EDGES.length).toBeGreaterThan(100);
  });

  it("nothing below src/cli imports it", () => {
    expect(EDGES.filter((e) => e.to === "cli").map((e) => e.file)).toEqual([]);
  });

  it("decode does not import validate", () => {
    expect(EDGES.filter((e) => e.from === "decode" && e.to === "validate").map((e) => e.file)).toEqual([]);
  });

  it("leaves import only leaves", () => {
    expect(EDGES.filter((e) => LEAVES.has(e.from) && !LEAVES.has(e.to)).map((e) => `${e.file} → ${e.to}`)).toEqual([]);
  });
});
