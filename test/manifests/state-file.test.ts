import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readdir, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_STATE_BYTES, MAX_STATE_READ_BYTES, ownedFilesFor, readState, writeState, type DaemonState } from "../../src/daemon/state-file.js";

const state: DaemonState = {
  version: 1,
  pid: 123,
  source: "gce:instance/attributes/kube-pods",
  revision: "etag-1",
  manifestDir: "/etc/kubernetes/manifests",
  lastSync: { time: "2026-01-01T00:00:00.000Z", result: "applied", revision: "etag-1",
    counts: { created: 1, updated: 0, deleted: 0, unchanged: 1, conflicts: 0 } },
  managed: [{ file: "web.yaml", sha256: "ab".repeat(32), pod: "default/web" }],
  updatedAt: "2026-01-01T00:00:00.000Z",
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rower-state-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("state file", () => {
  it("round-trips through an atomic write, creating the directory, leaving no temp file", async () => {
    const stateDir = join(dir, "run", "rower");
    await writeState(stateDir, state);
    await writeState(stateDir, { ...state, revision: "etag-2" });
    expect(await readState(stateDir)).toEqual({ kind: "state", state: { ...state, revision: "etag-2" } });
    expect(await readdir(stateDir)).toEqual(["state.json"]);
    // Owner-only: lastError keeps payload values.
    expect((await stat(join(stateDir, "state.json"))).mode & 0o777).toBe(0o600);
  });

  it("removes a temp file left by a writer killed mid-write", async () => {
    await writeFile(join(dir, ".rower-state.json.00ff00.tmp"), "{\"vers");
    await writeState(dir, state);
    expect(await readdir(dir)).toEqual(["state.json"]);
  });

  const bad: Array<[string, string, RegExp]> = [
    ["not JSON", "{", /not JSON/],
    ["an array", "[]", /\(top level\): Invalid input: expected object, received array/],
    ["another version", JSON.stringify({ ...state, version: 2 }), /version: Invalid input: expected 1/],
    ["managed entry without digest", JSON.stringify({ ...state, managed: [{ file: "a.yaml" }] }), /managed\.0\.sha256: Invalid input: expected string/],
    ["every problem, not the first", JSON.stringify({ ...state, pid: "1", managed: [{ file: 1, sha256: "x" }] }), /pid: .*; managed\.0\.file: /],
  ];
  for (const [desc, text, message] of bad) {
    it(`answers invalid for ${desc}`, async () => {
      await writeFile(join(dir, "state.json"), text);
      const got = await readState(dir);
      expect(got.kind).toBe("invalid");
      expect(got.kind === "invalid" && got.message).toMatch(message);
    });
  }

  it("answers missing when there is no state (or no directory)", async () => {
    expect(await readState(dir)).toMatchObject({ kind: "missing" });
    expect(await readState(join(dir, "nope"))).toMatchObject({ kind: "missing" });
  });

  it("writes at most MAX_STATE_BYTES, dropping error details but counting them, never the record", async () => {
    const errors = Array.from({ length: 20_000 }, (_, i) => ({ field: `spec.containers[${i}].image`, type: "Required value", rule: "r", detail: "d".repeat(100) }));
    const managed = Array.from({ length: 100 }, (_, i) => ({ file: `p${i}.yaml`, sha256: "ab".repeat(32) }));
    await writeState(dir, { ...state, managed, lastError: { time: state.updatedAt, message: "invalid", errors } });
    expect((await stat(join(dir, "state.json"))).size).toBeLessThanOrEqual(MAX_STATE_BYTES);
    const back = await readState(dir);
    expect(back.kind === "state" && back.state.managed).toEqual(managed);
    expect(back.kind === "state" && back.state.lastError?.errorCount).toBe(20_000);
    expect(back.kind === "state" && back.state.lastError?.errors?.length).toBeGreaterThan(0);
  });

  it("never reads more than MAX_STATE_READ_BYTES: a planted huge file is refused from its size", async () => {
    await writeFile(join(dir, "state.json"), "");
    await truncate(join(dir, "state.json"), MAX_STATE_READ_BYTES + 1);
    expect(await readState(dir)).toMatchObject({ kind: "invalid", message: expect.stringMatching(/more than the 16777216/) });
  });

  it("answers unreadable for a directory in the state file's place", async () => {
    await mkdir(join(dir, "state.json"));
    expect(await readState(dir)).toMatchObject({ kind: "unreadable", code: "EISDIR" });
  });

  it("gives the owned-files record only for the directory it is about", () => {
    expect(ownedFilesFor(state, "/etc/kubernetes/manifests")).toEqual([{ file: "web.yaml", sha256: "ab".repeat(32) }]);
    expect(ownedFilesFor(state, "/elsewhere")).toBeUndefined();
    expect(ownedFilesFor(undefined, "/etc/kubernetes/manifests")).toBeUndefined();
  });
});
