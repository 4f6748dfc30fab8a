// `rower keygen` and `rower sign` through the built CLI; signatures checked with node:crypto
// directly, an oracle independent of rower's verifier.
import { createPublicKey, verify } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../../src/sources/file.js";
import { runCli } from "./run-cli.js";

describe("rower keygen / rower sign (built CLI)", () => {
  let dir = "";
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "rower-trust-cli-")); });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it("keygen writes rower.key owner-only and rower.pub, and never overwrites them", async () => {
    const out = join(dir, "keys");
    const run = await runCli(["keygen", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/key id\s+[0-9a-f]{16}\n$/);
    expect((await stat(join(out, "rower.key"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(out, "rower.pub"), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const key = await readFile(join(out, "rower.key"));
    const again = await runCli(["keygen", "--out", out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(await readFile(join(out, "rower.key"))).toEqual(key);
  });

  it("sign prints a base64 Ed25519 signature over the file's exact bytes", async () => {
    const out = join(dir, "sign-keys");
    await runCli(["keygen", "--out", out]);
    const bytes = Buffer.from("apiVersion: v1\r\nkind: Pod\n\u00e9\n");
    await writeFile(join(dir, "pods.yaml"), bytes);
    const run = await runCli(["sign", "--key", join(out, "rower.key"), join(dir, "pods.yaml")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[A-Za-z0-9+/]{86}==\n$/);
    const publicKey = createPublicKey(await readFile(join(out, "rower.pub")));
    expect(verify(null, bytes, publicKey, Buffer.from(run.stdout.trim(), "base64"))).toBe(true);
    expect(verify(null, Buffer.concat([bytes, Buffer.from("\n")]), publicKey, Buffer.from(run.stdout.trim(), "base64"))).toBe(false);
    const stdin = await runCli(["sign", "--key", join(out, "rower.key"), "-"], { stdin: bytes });
    expect(stdin.stdout).toBe(run.stdout);
  });

  it("sign DIR signs the bytes the file: source reads from that directory", async () => {
    const out = join(dir, "dir-keys");
    await runCli(["keygen", "--out", out]);
    const pods = join(dir, "pods.d");
    await mkdir(pods);
    await writeFile(join(pods, "b.yaml"), "kind: Pod\nmetadata: {name: b}\n");
    await writeFile(join(pods, "a.yaml"), "kind: Pod\nmetadata: {name: a}");
    const run = await runCli(["sign", "--key", join(out, "rower.key"), pods]);
    expect(run.code).toBe(0);
    const payload = await new FileSource(pods, {}).read(new AbortController().signal);
    expect(payload.kind).toBe("present");
    if (payload.kind === "present") {
      expect(verify(null, payload.bytes, createPublicKey(await readFile(join(out, "rower.pub"))), Buffer.from(run.stdout.trim(), "base64"))).toBe(true);
    }
  });

  it.each([
    { desc: "a public key as --key", key: (out: string) => join(out, "rower.pub"), message: "is not a private key" },
    { desc: "a missing key", key: (out: string) => join(out, "nope.key"), message: "no such file" },
  ])("sign refuses $desc, exit 2", async ({ key, message }) => {
    const out = join(dir, "bad-keys");
    await runCli(["keygen", "--out", out]);
    const run = await runCli(["sign", "--key", key(out), join(dir, "pods.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });
});
