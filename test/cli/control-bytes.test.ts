// Control bytes from input (a key holding ESC, BEL or a bidi override) never reach a
// terminal raw, through any command that prints what a payload held.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// A key that would turn the terminal red, ring its bell and reverse the rest of the line.
const HOSTILE_KEY = "\u001b[31mred\u0007\u202e";
const POD = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    "${HOSTILE_KEY.replace("\u001b", "\\e").replace("\u0007", "\\a").replace("\u202e", "\\u202e")}": 1\n`;
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("control bytes from input are escaped in every output", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-control-"));
    await writeFile(join(dir, "pod.yaml"), POD);
  });
  afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  const runs: Array<[string, () => string[]]> = [
    ["validate (text)", () => ["validate", join(dir, "pod.yaml")]],
    ["validate -o json", () => ["validate", "-o", "json", join(dir, "pod.yaml")]],
    ["diff", () => ["diff", join(dir, "pod.yaml"), "--manifest-dir", join(dir, "m")]],
    ["run --once with text logs", () => ["run", "--once", "--source", `file:${join(dir, "pod.yaml")}`, "--manifest-dir", join(dir, "m"), "--state-dir", join(dir, "s"), "--log-format", "text"]],
    ["run --once with JSON logs", () => ["run", "--once", "--source", `file:${join(dir, "pod.yaml")}`, "--manifest-dir", join(dir, "m"), "--state-dir", join(dir, "s"), "--log-format", "json"]],
    ["status after that run", () => ["status", "--state-dir", join(dir, "s")]],
    ["status -o json", () => ["status", "--state-dir", join(dir, "s"), "-o", "json"]],
  ];
  for (const [desc, args] of runs) {
    it(desc, async () => {
      const run = await runCli(args());
      const output = run.stdout + run.stderr;
      // The key is reported (so the escape is what we look at), and escaped.
      expect(output).toContain("\\u001b[31mred\\u0007\\u202e");
      expect(output).not.toMatch(RAW_CONTROL);
    });
  }
});
