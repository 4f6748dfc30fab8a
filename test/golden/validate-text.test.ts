// One golden file pins `rower validate`'s kubectl-style text (several inputs, so every line
// carries its FILE#DOC prefix). Refresh after an intended wording change with
// UPDATE_GOLDEN=1 npx vitest run test/golden, then review the diff.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const HERE = join("test", "golden");
const GOLDEN = join(HERE, "validate-text.golden");

describe("rower validate text output", () => {
  it("matches the golden file", async () => {
    const run = await runCli(["validate", "inputs/pods.yaml", "inputs/duplicate-key.yaml"], { cwd: HERE });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(GOLDEN, run.stdout);
    expect(run.stdout).toBe(readFileSync(GOLDEN, "utf8"));
  });
});
