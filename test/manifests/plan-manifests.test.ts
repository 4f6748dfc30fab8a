import { sha256Hex } from "../../src/digest/sha256-hex.js";
import { describe, expect, it } from "vitest";
import { planManifests } from "../../src/manifests/plan-manifests.js";
import { podKeyOfManifestFile, type PodKey } from "../../src/naming/manifest-naming.js";
import type { DesiredManifest, ObservedEntry, OwnedFile } from "../../src/manifests/manifest-plan.js";
import { isPlanEmpty } from "../../src/manifests/manifest-plan.js";

const podText = (name: string, marker: boolean, extra = ""): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${marker ? '  annotations:\n    rower.static/managed: "true"\n' : ""}spec: {}${extra}\n`;

const want = (file: string, content: string): DesiredManifest => ({ file, content });

function fileEntry(name: string, content: string, opts: { marker: boolean; pod?: PodKey }): ObservedEntry {
  const bytes = Buffer.from(content);
  const e: ObservedEntry = { name, kind: "file", content: bytes, sha256: sha256Hex(bytes), marker: opts.marker };
  if (opts.pod) e.pod = opts.pod;
  return e;
}
const ours = (name: string, content: string): ObservedEntry => fileEntry(name, content, { marker: true });
const foreign = (name: string, content: string, pod?: PodKey): ObservedEntry =>
  fileEntry(name, content, pod ? { marker: false, pod } : { marker: false });
const other = (name: string, kind: "symlink" | "directory" | "other"): ObservedEntry => ({ name, kind, marker: false });
const unread = (name: string, why: "too-large" | "unreadable"): ObservedEntry => ({ name, kind: "file", marker: false, unread: why });
const onRecord = (file: string, content = "old"): OwnedFile => ({ file, sha256: sha256Hex(Buffer.from(content)) });

const A = podText("a", true);
const A2 = podText("a", true, "\n# changed");
const B = podText("b", true);

/** The plan reduced to `action:file[:reason]` strings, in plan order. */
interface Case {
  desc: string;
  desired: DesiredManifest[];
  entries: ObservedEntry[];
  record?: OwnedFile[];
  create?: string[];
  update?: string[];
  delete?: string[];
  unchanged?: string[];
  conflicts?: string[];
}

const cases: Case[] = [
  { desc: "empty directory: everything is created", desired: [want("b.yaml", B), want("a.yaml", A)], entries: [],
    create: ["a.yaml:missing", "b.yaml:missing"] },
  { desc: "identical bytes are unchanged, not rewritten", desired: [want("a.yaml", A)], entries: [ours("a.yaml", A)],
    unchanged: ["a.yaml"] },
  { desc: "own file with other bytes is updated", desired: [want("a.yaml", A2)], entries: [ours("a.yaml", A)],
    update: ["a.yaml:content-differs"] },
  { desc: "own file (marker) no longer desired is deleted", desired: [], entries: [ours("a.yaml", A)],
    delete: ["a.yaml"] },
  { desc: "foreign file is never touched when not desired", desired: [], entries: [foreign("x.yaml", "foreign")] },
  { desc: "foreign file at a desired name is a conflict", desired: [want("a.yaml", A)], entries: [foreign("a.yaml", "mine")],
    conflicts: ["a.yaml:foreign-file"] },
  { desc: "symlink at a desired name is a conflict", desired: [want("a.yaml", A)], entries: [other("a.yaml", "symlink")],
    conflicts: ["a.yaml:symlink"] },
  { desc: "directory at a desired name is a conflict", desired: [want("a.yaml", A)], entries: [other("a.yaml", "directory")],
    conflicts: ["a.yaml:directory"] },
  { desc: "fifo at a desired name is a conflict", desired: [want("a.yaml", A)], entries: [other("a.yaml", "other")],
    conflicts: ["a.yaml:not-regular"] },
  { desc: "symlink not desired is left alone, even if on the record", desired: [], entries: [other("a.yaml", "symlink")],
    record: [onRecord("a.yaml")] },
  { desc: "on the record without marker (edited by someone) is still rower's: restored",
    desired: [want("a.yaml", A)], entries: [foreign("a.yaml", "edited")], record: [onRecord("a.yaml")],
    update: ["a.yaml:content-differs"] },
  { desc: "on the record, neither marker nor the recorded bytes, not desired: not rower's to delete",
    desired: [], entries: [foreign("a.yaml", "edited")], record: [onRecord("a.yaml")] },
  { desc: "on the record with exactly the recorded bytes (no marker in them), not desired: deleted",
    desired: [], entries: [foreign("a.yaml", "old")], record: [onRecord("a.yaml", "old")], delete: ["a.yaml"] },
  { desc: "on the record but taken over, declaring a pod rower wants elsewhere: a conflict, not a delete",
    desired: [want("b.yaml", B)], entries: [foreign("a.yaml", "edited", { namespace: "default", name: "b" })], record: [onRecord("a.yaml")],
    conflicts: ["b.yaml:same-pod-name:a.yaml"] },
  { desc: "a file not read (over 1 MiB) where rower wants the name is a conflict, even on the record",
    desired: [want("a.yaml", A)], entries: [unread("a.yaml", "too-large")], record: [onRecord("a.yaml")], conflicts: ["a.yaml:foreign-file"] },
  { desc: "a file not read (unreadable) is never deleted, even on the record",
    desired: [], entries: [unread("a.yaml", "unreadable")], record: [onRecord("a.yaml")] },
  { desc: "with a record, a marker file not on it is still rower's", desired: [], entries: [ours("z.yaml", B)],
    record: [onRecord("a.yaml")], delete: ["z.yaml"] },
  { desc: "on the record but gone from disk: created again", desired: [want("a.yaml", A)], entries: [],
    record: [onRecord("a.yaml")], create: ["a.yaml:missing"] },
  { desc: "foreign file elsewhere declaring the same pod is a conflict",
    desired: [want("a.yaml", A)], entries: [foreign("a-by-hand.yml", "x", { namespace: "default", name: "a" })],
    conflicts: ["a.yaml:same-pod-name:a-by-hand.yml"] },
  { desc: "same name in another namespace is no conflict",
    desired: [want("a.yaml", A)], entries: [foreign("kube-system-a.yml", "x", { namespace: "kube-system", name: "a" })],
    create: ["a.yaml:missing"] },
  { desc: "namespaced file name maps to its namespace",
    desired: [want("kube-system_a.yaml", A)], entries: [foreign("sys.yml", "x", { namespace: "kube-system", name: "a" })],
    conflicts: ["kube-system_a.yaml:same-pod-name:sys.yml"] },
  { desc: "a mixed directory",
    desired: [want("a.yaml", A2), want("b.yaml", B), want("c.yaml", A), want("d.yaml", A)],
    entries: [ours("a.yaml", A), ours("b.yaml", B), foreign("c.yaml", "hand"), ours("old.yaml", A), foreign("notes.txt", "hi")],
    create: ["d.yaml:missing"], update: ["a.yaml:content-differs"], delete: ["old.yaml"], unchanged: ["b.yaml"],
    conflicts: ["c.yaml:foreign-file"] },
];

describe("planManifests", () => {
  for (const c of cases) {
    it(c.desc, () => {
      const plan = planManifests(c.desired, c.record ? { entries: c.entries, record: c.record } : { entries: c.entries });
      expect({
        create: plan.create.map((w) => `${w.file}:${w.reason}`),
        update: plan.update.map((w) => `${w.file}:${w.reason}`),
        delete: plan.delete.map((d) => d.file),
        unchanged: plan.unchanged.map((u) => u.file),
        conflicts: plan.conflicts.map((x) => [x.file, x.reason, x.foreignFile].filter(Boolean).join(":")),
      }).toEqual({
        create: c.create ?? [], update: c.update ?? [], delete: c.delete ?? [],
        unchanged: c.unchanged ?? [], conflicts: c.conflicts ?? [],
      });
    });
  }

  it("carries the observed digest so apply can refuse a file changed since planning", () => {
    const plan = planManifests([want("a.yaml", A2)], { entries: [ours("a.yaml", A), ours("gone.yaml", B)] });
    expect(plan.update[0]?.observedSha256).toBe(sha256Hex(Buffer.from(A)));
    expect(plan.delete[0]?.observedSha256).toBe(sha256Hex(Buffer.from(B)));
  });

  it("does not depend on input order", () => {
    const desired = [want("b.yaml", B), want("a.yaml", A), want("c.yaml", A)];
    const entries = [ours("z.yaml", A), ours("a.yaml", A), ours("y.yaml", B)];
    const one = planManifests(desired, { entries });
    const two = planManifests([...desired].reverse(), { entries: [...entries].reverse() });
    expect(two).toEqual(one);
  });

  it("is empty exactly when nothing would change", () => {
    expect(isPlanEmpty(planManifests([want("a.yaml", A)], { entries: [ours("a.yaml", A), foreign("x", "y")] }))).toBe(true);
    expect(isPlanEmpty(planManifests([want("a.yaml", A)], { entries: [foreign("a.yaml", "y")] }))).toBe(false);
    expect(isPlanEmpty(planManifests([], { entries: [ours("a.yaml", A)] }))).toBe(false);
  });

  it("throws on duplicate desired files (a bug upstream, not bad input)", () => {
    expect(() => planManifests([want("a.yaml", A), want("a.yaml", B)], { entries: [] })).toThrow(/duplicate/);
  });
});

describe("podKeyOfManifestFile", () => {
  const table: Array<[string, PodKey | undefined]> = [
    ["web.yaml", { namespace: "default", name: "web" }],
    ["kube-system_web.yaml", { namespace: "kube-system", name: "web" }],
    ["web.v2.yaml", { namespace: "default", name: "web.v2" }],
    ["web.yml", undefined],
  ];
  for (const [file, key] of table) {
    it(file, () => expect(podKeyOfManifestFile(file)).toEqual(key));
  }
});
