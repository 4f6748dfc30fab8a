// `npm run generate` in a clone without the shared/ folder beside it: one line naming the
// missing input and a non-zero exit, not a stack trace. Run on a copy of the generator in a
// temporary tree (node_modules linked in), so the real repository's neighbours do not matter.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

describe("tools/generate-schema.ts without its inputs", () => {
  const root = mkdtempSync(join(tmpdir(), "rower-generate-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function runIn(clone: string): { status: number | null; stderr: string; stdout: string } {
    const result = spawnSync(process.execPath, ["--import", "tsx", "tools/generate-schema.ts"], { cwd: clone, encoding: "utf8" });
    return { status: result.status, stderr: result.stderr, stdout: result.stdout };
  }

  it("names the missing shared OpenAPI in one line and exits 1", () => {
    const clone = join(root, "clone");
    mkdirSync(join(clone, "tools"), { recursive: true });
    for (const file of ["package.json", "tools/generate-schema.ts"]) cpSync(join(REPO, file), join(clone, file));
    symlinkSync(join(REPO, "node_modules"), join(clone, "node_modules"), "dir");
    const result = runIn(clone);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      "generate-schema: missing input: ../shared/kubernetes/api__v1_openapi.json (the Kubernetes 1.32 OpenAPI, kept in the shared/ folder beside the repository)",
    ]);
  });
});
