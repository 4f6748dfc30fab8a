// Ownership invariants over random directories and desired sets, then over random sequences
// of sets applied to a real temp directory that also holds foreign files.
import { sha256Hex } from "../../src/digest/sha256-hex.js";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPlan } from "../../src/manifests/apply-plan.js";
import type { DesiredManifest, ObservedEntry } from "../../src/manifests/manifest-plan.js";
import { observeDirectory } from "../../src/manifests/observe-directory.js";
import { planManifests } from "../../src/manifests/plan-manifests.js";

const NAMES = ["a", "b", "c", "d", "e"];
const content = (name: string, version: number): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  annotations:\n    rower.static/managed: "true"\n    v: "${version}"\nspec: {}\n`;

const desiredArb = fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), version: fc.nat(3) }), { selector: (d) => d.name })
  .map((ds) => ds.map((d): DesiredManifest => ({ file: `${d.name}.yaml`, content: content(d.name, d.version) })));

const entryArb = fc.record({
  name: fc.constantFrom(...NAMES.map((n) => `${n}.yaml`), "x.yaml", "notes.txt"),
  kind: fc.constantFrom("file", "file", "file", "symlink", "directory"),
  marker: fc.boolean(),
  version: fc.nat(3),
}).map((e): ObservedEntry => {
  if (e.kind !== "file") return { name: e.name, kind: e.kind, marker: false };
  const bytes = Buffer.from(e.marker ? content(e.name.replace(/\.yaml$/, ""), e.version) : `foreign ${e.version}\n`);
  return { name: e.name, kind: "file", content: bytes, sha256: sha256Hex(bytes), marker: e.marker };
});
const directoryArb = fc.uniqueArray(entryArb, { selector: (e) => e.name });

describe("planManifests invariants", () => {
  it("never touches what it does not own, and places every desired file exactly once", () => {
    fc.assert(fc.property(desiredArb, directoryArb, fc.subarray([...NAMES.map((n) => `${n}.yaml`), "x.yaml"]), (desired, entries, recorded) => {
      const record = recorded.map((file) => ({ file, sha256: "0".repeat(64) }));
      const plan = planManifests(desired, { entries, record });
      const byName = new Map(entries.map((e) => [e.name, e]));
      const mayRewrite = (name: string): boolean => {
        const e = byName.get(name);
        return e?.kind === "file" && (e.marker || recorded.includes(name));
      };
      // The record's digests never match these bytes: only the marker makes a file deletable.
      const mayDelete = (name: string): boolean => byName.get(name)?.kind === "file" && byName.get(name)?.marker === true;
      for (const w of plan.update) expect(mayRewrite(w.file)).toBe(true);
      for (const d of plan.delete) expect(mayDelete(d.file)).toBe(true);
      for (const w of plan.create) expect(byName.has(w.file)).toBe(false);
      const placed = [...plan.create, ...plan.update, ...plan.unchanged, ...plan.conflicts].map((x) => x.file).sort();
      expect(placed).toEqual(desired.map((d) => d.file).sort());
      for (const d of plan.delete) expect(desired.some((w) => w.file === d.file)).toBe(false);
    }), { numRuns: 500 });
  });
});

describe("applyPlan over a stream of sets", () => {
  it("the directory always ends as the desired files plus the untouched foreign ones", async () => {
    const root = await mkdtemp(join(tmpdir(), "rower-prop-"));
    try {
      await fc.assert(fc.asyncProperty(fc.array(desiredArb, { minLength: 1, maxLength: 6 }), async (sets) => {
        const dir = await mkdtemp(join(root, "d-"));
        await writeFile(join(dir, "x.yaml"), "foreign\n");
        await writeFile(join(dir, "notes.txt"), "mine\n");
        for (const desired of sets) {
          const result = await applyPlan(planManifests(desired, await observeDirectory(dir)), { dir });
          expect(result.conflicts).toBe(0);
          const names = (await readdir(dir)).sort();
          expect(names).toEqual([...desired.map((d) => d.file), "notes.txt", "x.yaml"].sort());
          for (const d of desired) expect(await readFile(join(dir, d.file), "utf8")).toBe(d.content);
          expect(await readFile(join(dir, "x.yaml"), "utf8")).toBe("foreign\n");
          expect(result.record.map((r) => r.file)).toEqual(desired.map((d) => d.file).sort());
        }
      }), { numRuns: 40 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
