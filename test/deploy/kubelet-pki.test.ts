// deploy/kubelet/make-kubelet-pki: the kubelet's PKI at first boot. The CA's key exists only in
// a private work directory while it signs the kubelet's serving certificate and rower's client
// certificate, and is gone afterwards; the two leaves chain to the CA and say what they are for.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO } from "./launch-material.js";

const SCRIPT = join(REPO, "deploy/kubelet/make-kubelet-pki");
const hasOpenssl = spawnSync("sh", ["-c", "command -v openssl"]).status === 0;
const FILES = ["kubelet-ca.crt", "kubelet.crt", "kubelet.key", "rower/client.crt", "rower/client.key"];

function runScript(pkiDir: string, workParent: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", [SCRIPT], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", KUBELET_PKI_DIR: pkiDir, KUBELET_PKI_WORK_PARENT: workParent },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

function openssl(args: string[]): string {
  const result = spawnSync("openssl", args, { encoding: "utf8" });
  expect(result.status, `openssl ${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe.skipIf(!hasOpenssl)(
  hasOpenssl ? "deploy/kubelet/make-kubelet-pki" : "deploy/kubelet/make-kubelet-pki (skipped: openssl is not installed)",
  () => {
    let dir: string;
    let pki: string;
    let work: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "rower-kubelet-pki-"));
      pki = join(dir, "pki");
      work = join(dir, "run");
      spawnSync("mkdir", [work]);
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("writes the CA, the kubelet's serving certificate and rower's client certificate; no CA key anywhere", async () => {
      expect(await runScript(pki, work)).toMatchObject({ code: 0 });
      expect(tree(pki)).toEqual([...FILES].sort());
      expect(readdirSync(work)).toEqual([]);
      for (const file of FILES) {
        const keys = readFileSync(join(pki, file), "utf8").match(/BEGIN [A-Z ]*PRIVATE KEY/g) ?? [];
        expect(keys.length, file).toBe(file.endsWith(".key") ? 1 : 0);
      }
      // The CA's key is not one of the two keys written.
      const caPublic = openssl(["x509", "-noout", "-pubkey", "-in", join(pki, "kubelet-ca.crt")]);
      for (const key of ["kubelet.key", "rower/client.key"]) expect(openssl(["pkey", "-pubout", "-in", join(pki, key)]), key).not.toBe(caPublic);

      const ca = openssl(["x509", "-noout", "-text", "-in", join(pki, "kubelet-ca.crt")]);
      expect(ca).toContain("CA:TRUE");
      expect(ca).toContain("prime256v1");
      expect(openssl(["verify", "-CAfile", join(pki, "kubelet-ca.crt"), "-purpose", "sslserver", join(pki, "kubelet.crt")])).toContain(": OK");
      expect(openssl(["verify", "-CAfile", join(pki, "kubelet-ca.crt"), "-purpose", "sslclient", join(pki, "rower/client.crt")])).toContain(": OK");
      const serving = openssl(["x509", "-noout", "-text", "-in", join(pki, "kubelet.crt")]);
      expect(serving).toContain("IP Address:127.0.0.1");
      expect(serving).toContain("TLS Web Server Authentication");
      const client = openssl(["x509", "-noout", "-text", "-in", join(pki, "rower/client.crt")]);
      expect(client).toContain("Subject: CN = rower");
      expect(client).toContain("TLS Web Client Authentication");
      expect(client).not.toContain("TLS Web Server Authentication");
      for (const key of ["kubelet.key", "rower/client.key"]) expect(statSync(join(pki, key)).mode & 0o777, key).toBe(0o600);
      expect(statSync(join(pki, "rower")).mode & 0o777).toBe(0o700);
    });

    it("keeps what it finds when all of it is there (every start runs it)", async () => {
      expect(await runScript(pki, work)).toMatchObject({ code: 0 });
      const first = FILES.map((f) => readFileSync(join(pki, f)));
      expect(await runScript(pki, work)).toMatchObject({ code: 0 });
      expect(FILES.map((f) => readFileSync(join(pki, f)))).toEqual(first);
    });

    it("makes everything anew when a file is missing, so the set always chains to one CA", async () => {
      expect(await runScript(pki, work)).toMatchObject({ code: 0 });
      const oldCa = readFileSync(join(pki, "kubelet-ca.crt"));
      rmSync(join(pki, "rower/client.key"));
      expect(await runScript(pki, work)).toMatchObject({ code: 0 });
      expect(readFileSync(join(pki, "kubelet-ca.crt"))).not.toEqual(oldCa);
      expect(openssl(["verify", "-CAfile", join(pki, "kubelet-ca.crt"), join(pki, "kubelet.crt"), join(pki, "rower/client.crt")])).toMatch(/kubelet\.crt: OK\n.*client\.crt: OK/);
    });

    it("fails, writing no CA, when the directory cannot be made", async () => {
      const blocker = join(dir, "not-a-directory");
      writeFileSync(blocker, "");
      const result = await runScript(join(blocker, "pki"), work);
      expect(result.code).not.toBe(0);
      expect(readdirSync(work)).toEqual([]);
    });
  },
);
