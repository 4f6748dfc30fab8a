import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the built executable", () => {
  it("prints its version with the Kubernetes version it validates against", () => {
    const out = execFileSync(process.execPath, ["dist/rower.cjs", "--version"], { encoding: "utf8" });
    expect(out).toMatch(/^rower \d+\.\d+\.\d+ \(Kubernetes 1\.36\)\n$/);
  });
});
