import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO } from "./launch-material.js";

const SCRIPT = join(REPO, "deploy/kubelet/make-no-clients-ca");
const hasOpenssl = spawnSync("sh", ["-c", "command -v openssl"]).status === 0;

function runScript(caFile: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", [SCRIPT], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_CLIENTS_CA_FILE: caFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

function certificateText(file: string): string {
  const result = spawnSync("openssl", ["x509", "-noout", "-text", "-in", file], { encoding: "utf8" });
  expect(result.status).toBe(0);
  return result.stdout;
}

describe.skipIf(!hasOpenssl)(
  hasOpenssl ? "deploy/kubelet/make-no-clients-ca" : "deploy/kubelet/make-no-clients-ca (skipped: openssl is not installed)",
  () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "rower-no-clients-ca-"));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("writes a CA certificate and leaves no private key behind", async () => {
      const caFile = join(dir, "pki/no-clients-ca.crt");
      expect(await runScript(caFile)).toMatchObject({ code: 0 });
      const text = certificateText(caFile);
      expect(text).toContain("CA:TRUE");
      expect(text).toContain("Subject: CN = rower-no-clients");
      expect(text).toContain("prime256v1");
      expect(readdirSync(join(dir, "pki"))).toEqual(["no-clients-ca.crt"]);
      expect(readFileSync(caFile, "utf8")).not.toContain("PRIVATE KEY");
    });

    it("keeps the certificate it finds (every kubelet start runs it)", async () => {
      const caFile = join(dir, "no-clients-ca.crt");
      expect(await runScript(caFile)).toMatchObject({ code: 0 });
      const first = readFileSync(caFile);
      expect(await runScript(caFile)).toMatchObject({ code: 0 });
      expect(readFileSync(caFile)).toEqual(first);
    });

    it("fails, writing nothing, when the certificate cannot be made", async () => {
      const blocker = join(dir, "not-a-directory");
      writeFileSync(blocker, "");
      const result = await runScript(join(blocker, "no-clients-ca.crt"));
      expect(result.code).not.toBe(0);
      expect(readdirSync(dir)).toEqual(["not-a-directory"]);
    });
  },
);
