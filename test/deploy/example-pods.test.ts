import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BUTANE_CONFIGS,
  CLOUDFORMATION,
  IGNITION_PODS_PATH,
  type IgnitionConfig,
  REPO,
  cloudFormationUserData,
  ignitionFiles,
  listRepoFiles,
  parseCloudFormation,
  parseYamlDocuments,
  readRepoFile,
} from "./launch-material.js";

// The product under test: `npm test` builds it first. A missing build fails these tests
// (the CLI cannot be spawned), it never skips them.
const CLI = join(REPO, "dist/rower.cjs");

/** Every pod file in examples/ (the CloudFormation template is not one). */
function examplePodFiles(): { where: string; text: string }[] {
  return listRepoFiles("examples")
    .filter((path) => /\.ya?ml$/.test(path) && path !== CLOUDFORMATION)
    .map((path) => ({ where: path, text: readRepoFile(path) }));
}

/** Pods carried inside launch material: Ignition files and the CloudFormation user-data. */
function embeddedPodFiles(): { where: string; text: string }[] {
  const configs = [
    ...BUTANE_CONFIGS.map(({ ignition }) => ({ where: ignition, json: readRepoFile(ignition) })),
    { where: `${CLOUDFORMATION} UserData`, json: cloudFormationUserData(parseCloudFormation(readRepoFile(CLOUDFORMATION))) },
  ];
  return configs.flatMap(({ where, json }) => {
    const text = ignitionFiles(JSON.parse(json) as IgnitionConfig).get(IGNITION_PODS_PATH);
    return text === undefined ? [] : [{ where: `${where}:${IGNITION_PODS_PATH}`, text }];
  });
}

interface ValidateJson {
  valid: boolean;
  documents: { kind: string; name: string; errors: unknown[] }[];
}

describe("rower validate on every example and embedded pod", () => {
  const dir = mkdtempSync(join(tmpdir(), "rower-example-pods-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function validate(text: string): { status: number | null; result: ValidateJson | undefined; stderr: string } {
    const file = join(dir, `pods-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    const run = spawnSync(process.execPath, [CLI, "validate", "-o", "json", file], { encoding: "utf8" });
    const result = run.stdout.trim() === "" ? undefined : (JSON.parse(run.stdout) as ValidateJson);
    return { status: run.status, result, stderr: run.stderr };
  }

  const pods = [...examplePodFiles(), ...embeddedPodFiles()];

  it("finds the embedded pods (the AWS Ignition and the CloudFormation user-data)", () => {
    expect(embeddedPodFiles().map((p) => p.where)).toEqual([
      `examples/aws/flatcar-nginx.ign:${IGNITION_PODS_PATH}`,
      `${CLOUDFORMATION} UserData:${IGNITION_PODS_PATH}`,
    ]);
  });

  it.each(pods)("$where is valid", ({ text }) => {
    const expectedPods = parseYamlDocuments(text).filter((d) => d !== null && d !== undefined).length;
    const { status, result, stderr } = validate(text);
    expect({ status, stderr, errors: result?.documents.flatMap((d) => d.errors) }).toEqual({ status: 0, stderr: "", errors: [] });
    expect(result?.valid).toBe(true);
    expect(result?.documents.map((d) => d.kind)).toEqual(Array(expectedPods).fill("Pod"));
  });

  it("reports an example made invalid (the check can fail)", () => {
    const broken = readRepoFile("examples/sidecar.yaml").replace("image: nginx:1.27-alpine", "image: ''");
    const { status, result } = validate(broken);
    expect(status).toBe(1);
    expect(result?.valid).toBe(false);
  });
});
