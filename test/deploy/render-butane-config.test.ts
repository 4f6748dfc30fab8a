import { describe, expect, it } from "vitest";
import { decodeDataUrl, decodeFileContents, encodeDataUrl, encodeFileContents } from "../../tools/butane/data-url.js";
import { renderButaneConfig } from "../../tools/butane/render-butane-config.js";

// A unit-sized text that gzip shrinks (Butane compresses it), and one too small to gain.
const COMPRESSIBLE = "[Service]\nExecStart=/usr/bin/true\n".repeat(40);
const LOCAL: Record<string, string> = { "deploy/a.txt": "a file\n", "deploy/big.txt": COMPRESSIBLE };
const readLocal = (path: string): Uint8Array | undefined =>
  LOCAL[path] === undefined ? undefined : Buffer.from(LOCAL[path]);

describe("renderButaneConfig", () => {
  it("renders files, directories and units to Ignition 3.3.0", () => {
    const result = renderButaneConfig(
      [
        "variant: fcos",
        "version: 1.4.0",
        "storage:",
        "  directories: [{ path: /srv/d, mode: 0750 }]",
        "  files:",
        "    - { path: /etc/a, mode: 0644, contents: { local: deploy/a.txt } }",
        "    - { path: /etc/b, overwrite: true, contents: { inline: 'x y' } }",
        "systemd:",
        "  units: [{ name: a.service, enabled: true }, { name: b.service, contents: \"[Unit]\\n\" }]",
      ].join("\n"),
      readLocal,
    );
    expect(result.ok && JSON.parse(result.json)).toEqual({
      ignition: { version: "3.3.0" },
      storage: {
        directories: [{ path: "/srv/d", mode: 0o750 }],
        files: [
          { path: "/etc/a", mode: 0o644, contents: { source: "data:,a%20file%0A" } },
          { path: "/etc/b", overwrite: true, contents: { source: "data:,x%20y" } },
        ],
      },
      systemd: { units: [{ name: "a.service", enabled: true }, { name: "b.service", contents: "[Unit]\n" }] },
    });
  });

  it("gzips contents that gzip makes shorter, as Butane does, and leaves short ones plain", () => {
    const result = renderButaneConfig(
      "variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - { path: /big, contents: { local: deploy/big.txt } }\n    - { path: /a, contents: { local: deploy/a.txt } }\n",
      readLocal,
    );
    const files = result.ok ? (JSON.parse(result.json) as { storage: { files: { contents: { source: string; compression?: string } }[] } }).storage.files : [];
    expect(files.map((f) => f.contents.compression)).toEqual(["gzip", undefined]);
    expect(files.map((f) => Buffer.from(decodeFileContents(f.contents) ?? []).toString())).toEqual([COMPRESSIBLE, "a file\n"]);
    expect(files[0]?.contents.source.length).toBeLessThan(encodeDataUrl(Buffer.from(COMPRESSIBLE)).length);
  });

  it.each([
    { desc: "a variant that is not Ignition 3.3.0", text: "variant: fcos\nversion: 1.5.0\n", error: "$.variant/version" },
    { desc: "an unknown top-level key", text: "variant: flatcar\nversion: 1.0.0\npasswd: {}\n", error: "$.passwd" },
    {
      desc: "a local file outside the files directory",
      text: "variant: flatcar\nversion: 1.0.0\nstorage: { files: [{ path: /a, contents: { local: ../x } }] }\n",
      error: "$.storage.files[0].contents.local",
    },
    {
      desc: "a missing local file",
      text: "variant: flatcar\nversion: 1.0.0\nstorage: { files: [{ path: /a, contents: { local: nope } }] }\n",
      error: "$.storage.files[0].contents.local",
    },
    {
      desc: "a relative path",
      text: "variant: flatcar\nversion: 1.0.0\nstorage: { files: [{ path: a, contents: { inline: x } }] }\n",
      error: "$.storage.files[0].path",
    },
    {
      desc: "a mode given as a string",
      text: "variant: flatcar\nversion: 1.0.0\nstorage: { directories: [{ path: /a, mode: '0644' }] }\n",
      error: "$.storage.directories[0].mode",
    },
    {
      desc: "a unit without a unit name",
      text: "variant: flatcar\nversion: 1.0.0\nsystemd: { units: [{ name: kubelet, enabled: true }] }\n",
      error: "$.systemd.units[0].name",
    },
    { desc: "text that is not YAML", text: "variant: [\n", error: "not YAML" },
  ])("refuses $desc", ({ text, error }) => {
    const result = renderButaneConfig(text, readLocal);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.split(":")[0])).toContain(error);
  });
});

describe("data URLs", () => {
  it.each([
    { desc: "text", bytes: Buffer.from("ExecStart=/usr/bin/node %H\n") },
    { desc: "binary", bytes: Buffer.from([0xff, 0x00, 0xfe, 0x25]) },
    { desc: "empty", bytes: Buffer.alloc(0) },
  ])("round-trips $desc", ({ bytes }) => {
    expect(Buffer.from(decodeDataUrl(encodeDataUrl(bytes)) ?? [])).toEqual(bytes);
  });

  it.each([
    { desc: "compressible text", bytes: Buffer.from(COMPRESSIBLE), gzip: true },
    { desc: "short text", bytes: Buffer.from("x=1\n"), gzip: false },
  ])("file contents round-trip: $desc (gzip $gzip)", ({ bytes, gzip }) => {
    const contents = encodeFileContents(bytes);
    expect(contents.compression === "gzip").toBe(gzip);
    expect(Buffer.from(decodeFileContents(contents) ?? [])).toEqual(bytes);
  });

  it("uses base64 for bytes that are not UTF-8", () => {
    expect(encodeDataUrl(Buffer.from([0xff]))).toBe("data:;base64,/w==");
  });
});
