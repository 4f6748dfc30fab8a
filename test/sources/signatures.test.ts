// With --trust each source delivers the detached signature with the value, as one revision:
// GCE from the same attribute-directory answer (the instance's signature for the instance's
// value, the project's for the project's), EC2 from the tag <key>-signature, file: from
// PATH.sig, url: from URL.sig. A changed signature alone is a new revision; without --trust
// nothing extra is read.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Ec2Source } from "../../src/sources/ec2.js";
import { FileSource } from "../../src/sources/file.js";
import { GceSource } from "../../src/sources/gce.js";
import type { Payload, SourceError } from "../../src/sources/source.js";
import { UrlSource } from "../../src/sources/url.js";
import { useEmulatorScope } from "./emulator-scope.js";
import { startLoopbackServer, type LoopbackServer } from "./loopback-server.js";
import { text, watchSource } from "./watch-cursor.js";

const signal = new AbortController().signal;

/** The value's text and the signature as the source delivered it. */
function pair(item: Payload | SourceError): { value: string; from?: string; signature?: string } {
  if (item.kind !== "present") return { value: `<${item.kind}>` };
  const lookup = item.signature;
  if (lookup === undefined) return { value: text(item) };
  return lookup.bytes === undefined ? { value: text(item), from: lookup.from } : { value: text(item), from: lookup.from, signature: Buffer.from(lookup.bytes).toString() };
}

describe("GCE: value and signature from one directory answer", () => {
  const scope = useEmulatorScope();

  it("read: the instance value with the instance signature, in one request", async () => {
    const fx = await scope.start("gce", "pods\n");
    await fx.admin("PUT", "instance/attributes/kube-pods-signature", "SIG-I");
    await fx.admin("PUT", "project/attributes/kube-pods-signature", "SIG-P");
    const source = new GceSource({ gceMetadataHost: fx.emulator.env.GCE_METADATA_HOST, signatures: true });
    expect(pair(await source.read(signal))).toEqual({ value: "pods\n", from: "gce:instance/attributes/kube-pods-signature", signature: "SIG-I" });
    expect((await fx.requests()).map((r) => r.path)).toEqual(["/computeMetadata/v1/instance/attributes/?recursive=true&alt=json"]);
  });

  it("read: the project value with the project signature, never the instance's", async () => {
    const fx = await scope.start("gce", undefined);
    await fx.admin("PUT", "instance/attributes/kube-pods-signature", "SIG-I");
    await fx.admin("PUT", "project/attributes/kube-pods", "fleet\n");
    const source = new GceSource({ gceMetadataHost: fx.emulator.env.GCE_METADATA_HOST, signatures: true });
    expect(pair(await source.read(signal))).toEqual({ value: "fleet\n", from: "gce:project/attributes/kube-pods-signature" });
  });

  it("watch: a new signature over the same value is a new revision", async () => {
    const fx = await scope.start("gce", "pods\n");
    const source = new GceSource({ gceMetadataHost: fx.emulator.env.GCE_METADATA_HOST, signatures: true, projectFallback: false });
    const cursor = scope.watch(source);
    const first = await cursor.next();
    expect(pair(first)).toEqual({ value: "pods\n", from: "gce:instance/attributes/kube-pods-signature" });
    await fx.admin("PUT", "instance/attributes/kube-pods-signature", "SIG-1");
    const second = await cursor.next();
    expect(pair(second)).toEqual({ value: "pods\n", from: "gce:instance/attributes/kube-pods-signature", signature: "SIG-1" });
    expect(second.kind === "present" && first.kind === "present" && second.revision !== first.revision).toBe(true);
  });

  it("without --trust the key alone is read", async () => {
    const fx = await scope.start("gce", "pods\n");
    await fx.admin("PUT", "instance/attributes/kube-pods-signature", "SIG-I");
    const source = new GceSource({ gceMetadataHost: fx.emulator.env.GCE_METADATA_HOST });
    expect(pair(await source.read(signal))).toEqual({ value: "pods\n" });
  });
});

describe("EC2: the signature tag beside the value", () => {
  const scope = useEmulatorScope();

  it("reads user-data and then the tag kube-pods-signature; a missing tag is a missing signature", async () => {
    const fx = await scope.start("ec2", "pods\n");
    const source = new Ec2Source({ ec2MetadataEndpoint: fx.emulator.url, signatures: true });
    expect(pair(await source.read(signal))).toEqual({ value: "pods\n", from: "ec2:tag/kube-pods-signature" });
    await fx.admin("PUT", "tags/kube-pods-signature", "SIG-T");
    expect(pair(await source.read(signal))).toEqual({ value: "pods\n", from: "ec2:tag/kube-pods-signature", signature: "SIG-T" });
  });
});

describe("file: PATH.sig beside the file", () => {
  let dir: string | undefined;
  afterEach(async () => { if (dir) await rm(dir, { recursive: true, force: true }); dir = undefined; });

  it("reads FILE.sig with FILE in one settled read", async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-sig-file-"));
    const file = join(dir, "pods.yaml");
    await writeFile(file, "pods\n");
    const source = new FileSource(file, { signatures: true });
    expect(pair(await source.read(signal))).toEqual({ value: "pods\n", from: `file:${file}.sig` });
    await writeFile(`${file}.sig`, "SIG-F\n");
    expect(pair(await source.read(signal))).toEqual({ value: "pods\n", from: `file:${file}.sig`, signature: "SIG-F\n" });
  });

  it.each([{ desc: "a file", directory: false }, { desc: "a directory", directory: true }])("watch: a new DIR.sig or FILE.sig alone is a new revision ($desc)", async ({ directory }) => {
    dir = await mkdtemp(join(tmpdir(), "rower-sig-watch-"));
    const path = directory ? join(dir, "pods.d") : join(dir, "pods.yaml");
    if (directory) {
      await mkdir(path);
      await writeFile(join(path, "a.yaml"), "pods\n");
    } else {
      await writeFile(path, "pods\n");
    }
    // The change must arrive as a file-system event, not with the periodic re-check.
    const events: string[] = [];
    const log = { info() {}, warn() {}, debug: (event: string, fields?: object) => { if (event === "source.fs_event") events.push(String((fields as { file?: string }).file)); } };
    const cursor = watchSource(new FileSource(path, { signatures: true, log }));
    try {
      expect(pair(await cursor.next())).toEqual({ value: "pods\n", from: `file:${path}.sig` });
      await writeFile(`${path}.sig`, "SIG-W");
      expect(pair(await cursor.next())).toEqual({ value: "pods\n", from: `file:${path}.sig`, signature: "SIG-W" });
      expect(events).toContain(`${directory ? "pods.d" : "pods.yaml"}.sig`);
    } finally {
      await cursor.stop();
    }
  });
});

describe("url: URL.sig beside the URL", () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => { await server?.close(); server = undefined; });

  it("fetches URL.sig after the value; a 404 there is a missing signature", async () => {
    let signature: string | undefined;
    server = await startLoopbackServer((req, res) => {
      if (req.url === "/pods.yaml") res.writeHead(200).end("pods\n");
      else if (req.url === "/pods.yaml.sig" && signature !== undefined) res.writeHead(200).end(signature);
      else res.writeHead(404).end();
    });
    const source = new UrlSource(`${server.url}/pods.yaml`, { signatures: true });
    expect(pair(await source.read(signal))).toEqual({ value: "pods\n", from: `url:${server.url}/pods.yaml.sig` });
    signature = "SIG-U";
    expect(pair(await source.read(signal))).toEqual({ value: "pods\n", from: `url:${server.url}/pods.yaml.sig`, signature: "SIG-U" });
  });
});
