// chokidar's events, each mapped to the closed set the file source and the drift watch act on.
import { describe, expect, it } from "vitest";
import { watchOpOf } from "../../src/fs-watch/watch-op.js";

describe("watchOpOf", () => {
  const cases = [
    { event: "add", op: "add" },
    { event: "addDir", op: "add" },
    { event: "change", op: "modify" },
    { event: "unlink", op: "delete" },
    { event: "unlinkDir", op: "delete" },
    { event: "ready", op: undefined },
    { event: "raw", op: undefined },
    { event: "error", op: undefined },
    { event: "all", op: undefined },
  ] as const;
  for (const c of cases) {
    it(`maps ${c.event} to ${c.op ?? "nothing"}`, () => {
      expect(watchOpOf(c.event)).toBe(c.op);
    });
  }
});
