// The three shapes of EC2 user-data, and cloud-init's own, as a table.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { extractUserDataSpec } from "../../src/sources/user-data-shapes.js";

const SPEC = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n";
const PATH = "/etc/rower/kube-pods.yaml";

function ignition(file: object | undefined): string {
  return JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: file === undefined ? [] : [{ path: "/etc/other", contents: { source: "data:,x" } }, file] } });
}

function mime(parts: Array<{ type: string; body: string; encoding?: string }>, boundary = "==BOUNDARY=="): string {
  const lines = ["Content-Type: multipart/mixed; boundary=\"" + boundary + "\"", "MIME-Version: 1.0", ""];
  for (const part of parts) {
    lines.push(`--${boundary}`, `Content-Type: ${part.type}; charset="us-ascii"`);
    if (part.encoding !== undefined) lines.push(`Content-Transfer-Encoding: ${part.encoding}`);
    lines.push("", part.body);
  }
  lines.push(`--${boundary}--`, "");
  return lines.join("\r\n");
}

function dataUrl(text: string | Buffer): string {
  return `data:;base64,${Buffer.from(text).toString("base64")}`;
}

function hashOf(algorithm: "sha256" | "sha512", text: string): string {
  return `${algorithm}-${createHash(algorithm).update(text).digest("hex")}`;
}

const [HEAD, TAIL] = [SPEC.slice(0, 20), SPEC.slice(20)];

const cases: Array<{ desc: string; input: Uint8Array | string; expect: { kind: string; shape: string; text?: string; message?: RegExp } }> = [
  { desc: "the spec itself", input: SPEC, expect: { kind: "spec", shape: "raw", text: SPEC } },
  { desc: "a cloud-config", input: "#cloud-config\npackages: [curl]\n", expect: { kind: "absent", shape: "cloud-init" } },
  { desc: "a shell script", input: "#!/bin/sh\necho hi\n", expect: { kind: "absent", shape: "cloud-init" } },
  {
    desc: "MIME with a text/x-kube-pods part among others",
    input: mime([{ type: "text/cloud-config", body: "#cloud-config\n" }, { type: "text/x-kube-pods", body: SPEC }]),
    expect: { kind: "spec", shape: "mime", text: SPEC },
  },
  {
    desc: "MIME with a base64 text/x-kube-pods part",
    input: mime([{ type: "text/x-kube-pods", body: Buffer.from(SPEC).toString("base64"), encoding: "base64" }]),
    expect: { kind: "spec", shape: "mime", text: SPEC },
  },
  {
    desc: "MIME with two text/x-kube-pods parts, taken in order as one stream",
    input: mime([{ type: "text/x-kube-pods", body: "a: 1" }, { type: "text/cloud-config", body: "#cloud-config\n" }, { type: "text/x-kube-pods", body: "b: 2\n" }]),
    expect: { kind: "spec", shape: "mime", text: "a: 1\n---\nb: 2\n" },
  },
  {
    desc: "MIME with the part inside a nested multipart",
    input: mime([
      { type: "text/cloud-config", body: "#cloud-config\n" },
      { type: "multipart/alternative; boundary=inner", body: ["preamble", "--inner", "Content-Type: text/x-kube-pods", "", SPEC, "--inner--", ""].join("\r\n") },
    ]),
    expect: { kind: "spec", shape: "mime", text: SPEC },
  },
  {
    desc: "MIME with a quoted-printable part",
    input: mime([{ type: "text/x-kube-pods", encoding: "quoted-printable", body: "metadata:\r\n  name: caf=C3=A9-a=3Db-very-long-na=\r\nme\r\n" }]),
    expect: { kind: "spec", shape: "mime", text: "metadata:\r\n  name: café-a=b-very-long-name\r\n" },
  },
  {
    desc: "MIME with an unknown transfer encoding",
    input: mime([{ type: "text/x-kube-pods", encoding: "x-uuencode", body: SPEC }]),
    expect: { kind: "invalid", shape: "mime", message: /^unsupported Content-Transfer-Encoding \(base64, quoted-printable, 7bit, 8bit and binary are read\)$/ },
  },
  { desc: "MIME without the part", input: mime([{ type: "text/cloud-config", body: "#cloud-config\n" }]), expect: { kind: "absent", shape: "mime" } },
  { desc: "MIME without a boundary", input: "MIME-Version: 1.0\nContent-Type: multipart/mixed\n\nbody\n", expect: { kind: "invalid", shape: "mime", message: /^multipart part without a boundary$/ } },
  {
    desc: "gzipped MIME",
    input: new Uint8Array(gzipSync(mime([{ type: "text/x-kube-pods", body: SPEC, encoding: "base64" }].map((p) => ({ ...p, body: Buffer.from(p.body).toString("base64") }))))),
    expect: { kind: "spec", shape: "mime", text: SPEC },
  },
  {
    desc: "Ignition with a base64 data URL",
    input: ignition({ path: PATH, contents: { source: `data:text/plain;base64,${Buffer.from(SPEC).toString("base64")}` } }),
    expect: { kind: "spec", shape: "ignition", text: SPEC },
  },
  {
    desc: "Ignition with a percent-encoded data URL",
    input: ignition({ path: PATH, contents: { source: `data:,${encodeURIComponent(SPEC)}` } }),
    expect: { kind: "spec", shape: "ignition", text: SPEC },
  },
  {
    desc: "Ignition with compression: gzip",
    input: ignition({ path: PATH, contents: { compression: "gzip", source: `data:;base64,${gzipSync(SPEC).toString("base64")}` } }),
    expect: { kind: "spec", shape: "ignition", text: SPEC },
  },
  { desc: "Ignition without the file", input: ignition(undefined), expect: { kind: "absent", shape: "ignition" } },
  {
    desc: "Ignition pointing at a remote URL",
    input: ignition({ path: PATH, contents: { source: "https://example.com/pods.yaml" } }),
    expect: { kind: "invalid", shape: "ignition", message: /contents\.source is a https: URL; rower cannot fetch it/ },
  },
  {
    desc: "Ignition with the file only in append",
    input: ignition({ path: PATH, append: [{ source: dataUrl(SPEC) }] }),
    expect: { kind: "spec", shape: "ignition", text: SPEC },
  },
  {
    desc: "Ignition with contents followed by two append entries, one gzipped",
    input: ignition({ path: PATH, contents: { source: `data:,${encodeURIComponent(HEAD)}` }, append: [{ source: dataUrl(TAIL.slice(0, 5)) }, { compression: "gzip", source: dataUrl(gzipSync(TAIL.slice(5))) }] }),
    expect: { kind: "spec", shape: "ignition", text: SPEC },
  },
  {
    desc: "Ignition with an append entry at a remote URL",
    input: ignition({ path: PATH, contents: { source: dataUrl(SPEC) }, append: [{ source: "s3://bucket/more.yaml" }] }),
    expect: { kind: "invalid", shape: "ignition", message: /append\[0\]\.source is a s3: URL; rower cannot fetch it/ },
  },
  {
    desc: "Ignition with an append entry without a source",
    input: ignition({ path: PATH, append: [{}] }),
    expect: { kind: "invalid", shape: "ignition", message: /append\[0\] has no source/ },
  },
  {
    desc: "Ignition with a matching sha512 on contents",
    input: ignition({ path: PATH, contents: { source: dataUrl(SPEC), verification: { hash: hashOf("sha512", SPEC) } } }),
    expect: { kind: "spec", shape: "ignition", text: SPEC },
  },
  {
    desc: "Ignition with a matching sha256 of the decompressed append entry",
    input: ignition({ path: PATH, append: [{ compression: "gzip", source: dataUrl(gzipSync(SPEC)), verification: { hash: hashOf("sha256", SPEC) } }] }),
    expect: { kind: "spec", shape: "ignition", text: SPEC },
  },
  {
    desc: "Ignition with a mismatched hash",
    input: ignition({ path: PATH, contents: { source: dataUrl(SPEC), verification: { hash: hashOf("sha512", "other") } } }),
    expect: { kind: "invalid", shape: "ignition", message: /contents\.verification\.hash mismatch/ },
  },
  {
    desc: "Ignition with an unknown hash type",
    input: ignition({ path: PATH, contents: { source: dataUrl(SPEC), verification: { hash: "md5-00" } } }),
    expect: { kind: "invalid", shape: "ignition", message: /sha256-<hex> or sha512-<hex>/ },
  },
  {
    desc: "Ignition naming the path unnormalised",
    input: ignition({ path: "/etc/rower/./conf/..//kube-pods.yaml", contents: { source: dataUrl(SPEC) } }),
    expect: { kind: "spec", shape: "ignition", text: SPEC },
  },
  {
    desc: "Ignition naming the path twice",
    input: JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: PATH, contents: { source: dataUrl(SPEC) } }, { path: `${PATH}/.`, append: [{ source: "data:,x" }] }] } }),
    expect: { kind: "invalid", shape: "ignition", message: /2 storage\.files entries/ },
  },
  {
    desc: "Ignition with an unknown compression",
    input: ignition({ path: PATH, contents: { compression: "xz", source: "data:,x" } }),
    expect: { kind: "invalid", shape: "ignition", message: /^contents: unsupported compression \(Ignition knows gzip only\)$/ },
  },
  {
    desc: "Ignition with a source scheme Ignition does not know (not named back)",
    input: ignition({ path: PATH, contents: { source: "hunter2-do-not-log://x" } }),
    expect: { kind: "invalid", shape: "ignition", message: /^contents\.source is not a data URL; rower cannot fetch it/ },
  },
];

describe("extractUserDataSpec", () => {
  for (const c of cases) {
    it(`finds the spec in ${c.desc}`, () => {
      const input = typeof c.input === "string" ? new Uint8Array(Buffer.from(c.input)) : c.input;
      const result = extractUserDataSpec(input, { ignitionPath: PATH, maxBytes: 1 << 20 });
      expect({ kind: result.kind, shape: result.shape }).toEqual({ kind: c.expect.kind, shape: c.expect.shape });
      if (c.expect.text !== undefined && result.kind === "spec") expect(Buffer.from(result.bytes).toString("utf8")).toBe(c.expect.text);
      if (c.expect.message !== undefined && result.kind === "invalid") expect(result.message).toMatch(c.expect.message);
    });
  }

  it("hands gzipped raw user-data to decode unchanged", () => {
    const zipped = new Uint8Array(gzipSync(SPEC));
    const result = extractUserDataSpec(zipped, { ignitionPath: PATH, maxBytes: 1 << 20 });
    expect(result).toEqual({ kind: "spec", shape: "raw", bytes: zipped });
  });
});
