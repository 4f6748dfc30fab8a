// `rower emulate` end to end: the built CLI prints the client's variable first, serves the
// file (and its edits), and exits 0 on SIGTERM; bad arguments are usage errors (exit 2).
import { spawn, spawnSync, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BUNDLE = "dist/rower.cjs";

/** Resolves with the first complete stdout line. */
async function firstLine(child: ChildProcessByStdio<null, Readable, Readable>): Promise<string> {
  let seen = "";
  child.stdout.setEncoding("utf8");
  for await (const chunk of child.stdout) {
    seen += chunk as string;
    const end = seen.indexOf("\n");
    if (end >= 0) return seen.slice(0, end);
  }
  throw new Error(`emulator exited before printing a line: ${JSON.stringify(seen)}`);
}

describe("rower emulate", () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-emulate-cli-"));
    file = join(dir, "pods.yaml");
    await writeFile(file, "pods: v1\n");
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const kinds: Array<{ kind: string; line: RegExp; valueUrl: (line: string) => string; headers: Record<string, string>; expect: string }> = [
    {
      kind: "gce",
      line: /^GCE_METADATA_HOST=127\.0\.0\.1:\d+$/,
      valueUrl: (line) => `http://${line.split("=")[1]}/computeMetadata/v1/instance/attributes/kube-pods`,
      headers: { "Metadata-Flavor": "Google" },
      expect: "pods: v1\n",
    },
    {
      kind: "azure",
      line: /^ROWER_AZURE_METADATA_ENDPOINT=http:\/\/127\.0\.0\.1:\d+$/,
      valueUrl: (line) => `${line.split("=")[1]}/metadata/instance/compute/userData?api-version=2021-01-01&format=text`,
      headers: { Metadata: "true" },
      expect: Buffer.from("pods: v1\n").toString("base64"),
    },
    {
      kind: "ec2",
      line: /^AWS_EC2_METADATA_SERVICE_ENDPOINT=http:\/\/127\.0\.0\.1:\d+$/,
      valueUrl: (line) => `${line.split("=")[1]}/latest/meta-data/instance-id`,
      headers: {},
      expect: "401",
    },
  ];
  for (const c of kinds) {
    it(`${c.kind}: prints the client's variable first, serves the file, exits 0 on SIGTERM`, async () => {
      const child = spawn(process.execPath, [BUNDLE, "emulate", c.kind, "--file", file], { stdio: ["ignore", "pipe", "pipe"] });
      try {
        const line = await firstLine(child);
        expect(line).toMatch(c.line);
        const response = await fetch(c.valueUrl(line), { headers: c.headers });
        expect(c.expect === "401" ? String(response.status) : await response.text()).toBe(c.expect);
      } finally {
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        const [code] = await exited;
        expect(code).toBe(0);
      }
    });
  }

  it("ec2: the banner puts the file in user-data and only a url:…#sha256= pointer in a tag", async () => {
    const child = spawn(process.execPath, [BUNDLE, "emulate", "ec2", "--file", file], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let banner = "";
      child.stdout.setEncoding("utf8");
      for await (const chunk of child.stdout) {
        banner += chunk as string;
        if (banner.includes("Ctrl-C")) break;
      }
      const lines = banner.split("\n");
      expect(lines.filter((line) => line.includes("@F"))).toEqual([expect.stringMatching(/\/_emulator\/user-data$/)]);
      expect(lines.filter((line) => line.includes("/_emulator/tags/"))).toEqual([expect.stringMatching(/--data 'url:https:\/\/HOST\/pods\.yaml#sha256=HEX'/)]);
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
  });

  const usageCases: Array<{ desc: string; args: (file: string) => string[]; stderr?: RegExp }> = [
    { desc: "an unknown kind", args: (f) => ["emulate", "aws", "--file", f] },
    { desc: "a directory as --file (said, not blamed on the port)", args: (f) => ["emulate", "gce", "--file", dirname(f)], stderr: /is a directory/ },
    { desc: "no --file", args: () => ["emulate", "gce"] },
    { desc: "a missing file", args: (f) => ["emulate", "gce", "--file", `${f}.missing`] },
    { desc: "a bad --listen", args: (f) => ["emulate", "gce", "--file", f, "--listen", "127.0.0.1:99999"] },
  ];
  for (const c of usageCases) {
    it(`exits 2 for ${c.desc}`, () => {
      const result = spawnSync(process.execPath, [BUNDLE, ...c.args(file)], { encoding: "utf8" });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).not.toBe("");
      if (c.stderr) expect(result.stderr).toMatch(c.stderr);
    });
  }
});
