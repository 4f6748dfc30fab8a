// `rower policy check` and `rower validate --policy`, through the built CLI.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostNetwork: true\n  containers:\n  - name: web\n    image: quay.io/team/web:1\n";

describe("rower policy check / validate --policy (built CLI)", () => {
  let dir = "";
  const file = (name: string): string => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-policy-cli-"));
    await writeFile(file("baseline.yaml"), "podSecurity: baseline\nregistries: ['docker.io/library/*']\n");
    await writeFile(file("typo.yaml"), "podSecurity: baseline\nregistris: []\n");
    await writeFile(file("pod.yaml"), POD);
  });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it("policy check: a valid policy and what it enforces, exit 0", async () => {
    const run = await runCli(["policy", "check", file("baseline.yaml")]);
    expect(run).toMatchObject({ code: 0, stdout: `policy ${file("baseline.yaml")} is valid: podSecurity baseline; 1 registry pattern(s)\n` });
  });

  it("policy check: an unknown key with did-you-mean, exit 1", async () => {
    const run = await runCli(["policy", "check", file("typo.yaml")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('* registris: unknown field (did you mean "registries"?)');
  });

  it("policy check: a missing file is an I/O error, exit 2", async () => {
    const run = await runCli(["policy", "check", file("missing.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no such file");
  });

  it("validate --policy: violations are Forbidden field errors naming the rule", async () => {
    const run = await runCli(["validate", "--policy", file("baseline.yaml"), "-o", "json", file("pod.yaml")]);
    expect(run.code).toBe(1);
    const errors = (JSON.parse(run.stdout) as { documents: Array<{ errors: Array<{ field: string; type: string; rule: string; detail: string }> }> }).documents[0]?.errors ?? [];
    expect(errors.map((e) => [e.field, e.type, e.rule])).toEqual([
      ["spec.containers[0].image", "Forbidden", "policy.registries"],
      ["spec.hostNetwork", "Forbidden", "policy.podSecurity.hostNamespaces"],
    ]);
    const text = await runCli(["validate", "--policy", file("baseline.yaml"), file("pod.yaml")]);
    expect(text.stdout).toContain("* spec.hostNetwork: Forbidden: policy podSecurity (baseline, check hostNamespaces): host namespaces: hostNetwork must not be true\n");
  });

  it("validate without --policy admits the same pod", async () => {
    expect((await runCli(["validate", file("pod.yaml")])).code).toBe(0);
  });

  it("validate --policy with an invalid policy is a usage error naming the problems, exit 2", async () => {
    const run = await runCli(["validate", "--policy", file("typo.yaml"), file("pod.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('registris: unknown field (did you mean "registries"?)');
  });
});
