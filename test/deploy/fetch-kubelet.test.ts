import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runScript, startFileServer, type FileServer } from "./download-harness.js";
import { REPO } from "./launch-material.js";

const SCRIPT = join(REPO, "deploy/kubelet/fetch-kubelet");
const VERSION = "v1.36.1";
const BINARY = Buffer.from("#!/bin/sh\necho pretend kubelet\n");
const DIGEST = createHash("sha256").update(BINARY).digest("hex");

const hasTools = ["curl", "sha256sum"].every((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0);

interface Release {
  binary: Buffer;
  sha256: string;
}

// A loopback stand-in for dl.k8s.io serving one release at the official path layout.
function startReleaseServer(release: Release): Promise<FileServer> {
  const base = `/${VERSION}/bin/linux/amd64/kubelet`;
  return startFileServer({ [base]: release.binary, [`${base}.sha256`]: release.sha256 });
}

function runFetch(baseUrl: string, installDir: string): Promise<{ code: number | null; stderr: string }> {
  return runScript(SCRIPT, { KUBELET_VERSION: VERSION, KUBELET_ARCH: "amd64", KUBELET_BASE_URL: baseUrl, KUBELET_INSTALL_DIR: installDir });
}

describe.skipIf(!hasTools)("deploy/kubelet/fetch-kubelet", () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "rower-fetch-kubelet-"));
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it("installs the release when it matches the published sha256, then reuses it", async () => {
    const release = await startReleaseServer({ binary: BINARY, sha256: `${DIGEST}\n` });
    server = release.server;
    expect(await runFetch(release.url, dir)).toMatchObject({ code: 0 });
    expect(readFileSync(join(dir, `kubelet-${VERSION}`))).toEqual(BINARY);
    expect(readlinkSync(join(dir, "kubelet"))).toBe(`kubelet-${VERSION}`);
    expect(release.requests).toEqual([`/${VERSION}/bin/linux/amd64/kubelet`, `/${VERSION}/bin/linux/amd64/kubelet.sha256`]);

    expect(await runFetch(release.url, dir)).toMatchObject({ code: 0 });
    expect(release.requests).toHaveLength(2); // the second start downloads nothing
  });

  it.each([
    { desc: "a binary that does not match its sha256", sha256: createHash("sha256").update("other").digest("hex") },
    { desc: "a .sha256 that is not a digest", sha256: "<html>not found</html>" },
    { desc: "an empty .sha256", sha256: "" },
  ])("refuses $desc and installs nothing", async ({ sha256 }) => {
    const release = await startReleaseServer({ binary: BINARY, sha256 });
    server = release.server;
    const result = await runFetch(release.url, dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("fetch-kubelet:");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("fails when the release is not there", async () => {
    const release = await startReleaseServer({ binary: BINARY, sha256: DIGEST });
    server = release.server;
    const result = await runFetch(`${release.url}/missing`, dir);
    expect(result.code).not.toBe(0);
    expect(existsSync(join(dir, "kubelet"))).toBe(false);
  });
});
