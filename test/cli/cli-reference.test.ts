// The README's CLI reference is the CLI's own --help: regenerate with `npm run docs`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cliReference, readmeBlock } from "../../tools/cli-reference.js";

describe("README CLI reference", () => {
  it("is what the commander definitions print (run `npm run docs` after changing a flag)", async () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readmeBlock(readme)).toBe(await cliReference());
  });
});

describe("the built CLI prints the same help", () => {
  it("for every command, byte for byte", async () => {
    const { spawnSync } = await import("node:child_process");
    const reference = await cliReference();
    const sections = reference.split("\n    $ ").slice(1);
    expect(sections.length).toBeGreaterThan(5);
    for (const section of sections) {
      const [title = "", ...lines] = section.split("\n");
      const args = title.split(" ").slice(1);
      const printed = spawnSync(process.execPath, ["dist/rower.cjs", ...args], { encoding: "utf8" }).stdout;
      const expected = lines.filter((line) => !line.startsWith("<!--")).map((line) => line.replace(/^ {4}/, "")).join("\n").trim();
      expect(printed.trim(), title).toBe(expected);
    }
  });
});
