// deploy/kubelet/fetch-credential-providers against a loopback stand-in for artifacts.k8s.io
// serving both plugins at the official path layout: installs only bytes matching the pins.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runScript, startFileServer } from "./download-harness.js";
import { REPO } from "./launch-material.js";

const SCRIPT = join(REPO, "deploy/kubelet/fetch-credential-providers");
const GCP = { version: "v35.0.0", bytes: Buffer.from("#!/bin/sh\necho pretend auth-provider-gcp\n") };
const ECR = { version: "v1.31.7", bytes: Buffer.from("#!/bin/sh\necho pretend ecr-credential-provider\n") };
const GCP_PATH = `/cloud-provider-gcp/${GCP.version}/auth-provider-gcp/linux/amd64/auth-provider-gcp`;
const ECR_PATH = `/cloud-provider-aws/${ECR.version}/linux/amd64/ecr-credential-provider-linux-amd64`;
const sha256 = (bytes: Buffer | string): string => createHash("sha256").update(bytes).digest("hex");

const hasTools = ["curl", "sha256sum"].every((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0);

function runFetch(baseUrl: string, dir: string, pins: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return runScript(SCRIPT, {
    KUBELET_ARCH: "amd64",
    AUTH_PROVIDER_GCP_VERSION: GCP.version,
    ECR_CREDENTIAL_PROVIDER_VERSION: ECR.version,
    CREDENTIAL_PROVIDERS_BASE_URL: baseUrl,
    CREDENTIAL_PROVIDERS_DIR: dir,
    ...pins,
  });
}

const GOOD_PINS = { AUTH_PROVIDER_GCP_SHA256_AMD64: sha256(GCP.bytes), ECR_CREDENTIAL_PROVIDER_SHA256_AMD64: sha256(ECR.bytes) };

describe.skipIf(!hasTools)("deploy/kubelet/fetch-credential-providers", () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rower-credential-providers-"));
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it("installs both plugins under the names the kubelet looks up, then reuses them", async () => {
    const artifacts = await startFileServer({ [GCP_PATH]: GCP.bytes, [ECR_PATH]: ECR.bytes });
    server = artifacts.server;
    expect(await runFetch(artifacts.url, dir, GOOD_PINS)).toMatchObject({ code: 0 });
    expect(readFileSync(join(dir, "auth-provider-gcp"))).toEqual(GCP.bytes);
    expect(readFileSync(join(dir, "ecr-credential-provider"))).toEqual(ECR.bytes);
    expect(readlinkSync(join(dir, "ecr-credential-provider"))).toBe(`ecr-credential-provider-${ECR.version}`);
    expect(artifacts.requests).toEqual([GCP_PATH, ECR_PATH]);

    expect(await runFetch(artifacts.url, dir, GOOD_PINS)).toMatchObject({ code: 0 });
    expect(artifacts.requests).toHaveLength(2); // the second start downloads nothing
  });

  it.each([
    { desc: "a plugin that does not match its pin", pins: { ...GOOD_PINS, ECR_CREDENTIAL_PROVIDER_SHA256_AMD64: sha256("other") }, message: "does not match its pinned sha256" },
    { desc: "no pin for the architecture", pins: { AUTH_PROVIDER_GCP_SHA256_AMD64: sha256(GCP.bytes) }, message: "no sha256 pinned for ecr-credential-provider" },
    { desc: "a pin that is not a digest", pins: { ...GOOD_PINS, AUTH_PROVIDER_GCP_SHA256_AMD64: "abc" }, message: "not a sha256 digest" },
  ])("refuses $desc and leaves no download behind", async ({ pins, message }) => {
    const artifacts = await startFileServer({ [GCP_PATH]: GCP.bytes, [ECR_PATH]: ECR.bytes });
    server = artifacts.server;
    const result = await runFetch(artifacts.url, dir, pins);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(readdirSync(dir).filter((f) => f.startsWith("ecr-credential-provider") || f.startsWith("."))).toEqual([]);
  });

  it("fails when a plugin is not there", async () => {
    const artifacts = await startFileServer({ [GCP_PATH]: GCP.bytes });
    server = artifacts.server;
    const result = await runFetch(artifacts.url, dir, GOOD_PINS);
    expect(result.code).not.toBe(0);
    expect(readdirSync(dir)).not.toContain("ecr-credential-provider");
  });
});
