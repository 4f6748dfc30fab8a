import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { embedUserData } from "../../tools/launch-material/embed-user-data.js";
import { renderCloudConfig } from "../../tools/launch-material/render-cloud-config.js";
import { renderLaunchMaterial } from "../../tools/launch-material/render-launch-material.js";
import { sameLaunchFile } from "../../tools/launch-material/same-launch-file.js";
import { REPO, readRepoFile } from "./launch-material.js";

const readLocal = (relative: string): Uint8Array | undefined => {
  const path = join(REPO, relative);
  return existsSync(path) ? readFileSync(path) : undefined;
};

describe("derived launch material (tools/render-launch-material.ts)", () => {
  const result = renderLaunchMaterial(readLocal);
  const files = result.ok ? [...result.files.keys()] : [];

  it("renders without errors", () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(files.sort()).toEqual([
      "cloud-config/cloud-config.yaml",
      "cloud-config/fcos.ign",
      "cloud-config/flatcar.ign",
      "examples/aws/cloudformation.yaml",
      "examples/aws/flatcar-nginx.ign",
    ]);
  });

  it.each(files)("%s is up to date (run the tool after changing its sources)", (path) => {
    const rendered = result.ok ? (result.files.get(path) ?? "") : "";
    // Same meaning: gzip bytes may differ between zlib builds, the files they carry may not.
    if (!sameLaunchFile(path, rendered, readRepoFile(path))) expect(rendered).toBe(readRepoFile(path));
  });
});

describe("sameLaunchFile", () => {
  const plain = '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a","contents":{"source":"data:,hello%0A"}}]}}';
  const gzipped = JSON.stringify({
    ignition: { version: "3.3.0" },
    storage: { files: [{ path: "/a", contents: { compression: "gzip", source: `data:;base64,${gzipSync("hello\n").toString("base64")}` } }] },
  });
  const other = plain.replace("hello", "hullo");
  const cloudConfig = (file: string): string => `#cloud-config\nwrite_files:\n  - path: /a\n    ${file}`;
  const template = (json: string): string => `Resources:\n  UserData:\n    Fn::Base64: |\n      ${json}\n`;

  it.each([
    { desc: "the same file gzipped", path: "a.ign", a: plain, b: gzipped, same: true },
    { desc: "different contents", path: "a.ign", a: plain, b: other, same: false },
    { desc: "a template around the same user-data", path: "t.yaml", a: template(plain), b: template(gzipped), same: true },
    { desc: "a template around different user-data", path: "t.yaml", a: template(plain), b: template(other), same: false },
    { desc: "a template changed outside the user-data", path: "t.yaml", a: template(plain), b: `${template(plain)}# more\n`, same: false },
    { desc: "a cloud-config file plain and gzipped", path: "cloud-config.yaml", a: cloudConfig("content: |\n      hello\n"), b: cloudConfig(`encoding: gzip+base64\n    content: ${gzipSync("hello\n").toString("base64")}\n`), same: true },
    { desc: "cloud-config files that differ", path: "cloud-config.yaml", a: cloudConfig("content: |\n      hello\n"), b: cloudConfig("content: |\n      hullo\n"), same: false },
    { desc: "cloud-configs whose comments differ", path: "cloud-config.yaml", a: cloudConfig("content: |\n      hello\n"), b: `# note\n${cloudConfig("content: |\n      hello\n")}`, same: false },
    { desc: "text files that differ", path: "other.txt", a: "a\n", b: "b\n", same: false },
  ])("$desc: same $same", ({ path, a, b, same }) => {
    expect(sameLaunchFile(path, a, b)).toBe(same);
  });
});

describe("embedUserData", () => {
  const template = "    UserData:\n      Fn::Base64: |\n        {\"ignition\":{\"version\":\"3.2.0\"}}\n  Next: 1\n";

  it.each([
    { desc: "replaces the Ignition line, keeping the indentation", json: '{"ignition":{"version":"3.3.0"}}\n', ok: true },
    { desc: "keeps $-sequences in the JSON literally", json: '{"ignition":{"version":"3.3.0"},"x":"$&$1"}', ok: true },
    { desc: "refuses JSON spread over lines", json: '{\n"ignition":{}}', ok: false },
  ])("$desc", ({ json, ok }) => {
    const embedded = embedUserData(template, json);
    expect(embedded.ok).toBe(ok);
    if (embedded.ok) {
      expect(embedded.text).toBe(`    UserData:\n      Fn::Base64: |\n        ${json.trim()}\n  Next: 1\n`);
    }
  });

  it("refuses a template without an Ignition user-data line", () => {
    expect(embedUserData("Resources: {}\n", "{}").ok).toBe(false);
  });
});

describe("renderCloudConfig", () => {
  it("names a missing source instead of writing an incomplete file", () => {
    const result = renderCloudConfig((path) => (path === "deploy/rower.env" ? undefined : readLocal(path)));
    expect(result).toEqual({ ok: false, errors: ["deploy/rower.env: not found"] });
  });

  it("refuses a source whose trailing newlines a YAML block scalar would lose", () => {
    const result = renderCloudConfig((path) => (path === "deploy/rower.env" ? Buffer.from("A=1\n\n") : readLocal(path)));
    expect(result).toEqual({ ok: false, errors: ["deploy/rower.env: must end with exactly one newline"] });
  });
});
