// A body counts only when its framing proves it complete: Content-Length matched, or the
// chunked terminator seen. A 200 delimited only by the connection closing may be cut short
// anywhere, so every metadata source refuses it as a protocol error, as it refuses a body
// cut short of its Content-Length or its terminating chunk. Each provider, each read path.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AzureSource } from "../../src/sources/azure.js";
import { Ec2Source } from "../../src/sources/ec2.js";
import { GceSource } from "../../src/sources/gce.js";
import type { Payload, Source, SourceError } from "../../src/sources/source.js";
import { UrlSource } from "../../src/sources/url.js";
import type { EmulatorFixture } from "../emulator/emulator-fixture.js";
import { useEmulatorScope } from "./emulator-scope.js";
import { startRawHttpServer, type RawHttpServer } from "./raw-http-server.js";
import { text } from "./watch-cursor.js";

const signal = new AbortController().signal;
const SPEC = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n";

const BODY_FAULTS = [
  { desc: "a body cut short of its Content-Length", faults: { truncate: 1 } },
  { desc: "a chunked body cut before its terminator", faults: { truncateChunked: 1 } },
  { desc: "a whole body delimited only by the close", faults: { unframed: 1 } },
  { desc: "half a body delimited only by the close", faults: { truncateUnframed: 1 } },
];

interface ReadPath {
  desc: string;
  kind: "gce" | "ec2" | "azure";
  /** Where the fault must land: this path prefix only. */
  path: string;
  source: (fx: EmulatorFixture) => Source;
  /** Through the watch: the fault meets the poll after the first value. */
  watch?: true;
  /** A long poll answers only on a change: make one once the poll is parked. */
  wake?: (fx: EmulatorFixture) => Promise<void>;
}

async function wakeLongPoll(fx: EmulatorFixture): Promise<void> {
  while (fx.emulator.state.notifier.waiting < 1) await new Promise((resolve) => setImmediate(resolve));
  await fx.admin("PUT", "instance/attributes/unrelated", "x");
}

const READ_PATHS: ReadPath[] = [
  { desc: "GCE key read", kind: "gce", path: "/computeMetadata/v1/instance/attributes/kube-pods", source: (fx) => new GceSource({ gceMetadataHost: fx.emulator.env.GCE_METADATA_HOST, projectFallback: false }) },
  { desc: "GCE directory watch", kind: "gce", path: "/computeMetadata/v1/instance/attributes/", watch: true, wake: wakeLongPoll, source: (fx) => new GceSource({ gceMetadataHost: fx.emulator.env.GCE_METADATA_HOST, projectFallback: false }) },
  { desc: "EC2 token PUT", kind: "ec2", path: "/latest/api/token", source: (fx) => new Ec2Source({ ec2MetadataEndpoint: fx.emulator.url }) },
  { desc: "EC2 user-data read", kind: "ec2", path: "/latest/user-data", source: (fx) => new Ec2Source({ ec2MetadataEndpoint: fx.emulator.url }) },
  { desc: "EC2 user-data poll", kind: "ec2", path: "/latest/user-data", watch: true, source: (fx) => new Ec2Source({ ec2MetadataEndpoint: fx.emulator.url, pollIntervalMs: 10 }) },
  { desc: "Azure userData read", kind: "azure", path: "/metadata/instance/compute/userData", source: (fx) => new AzureSource({ azureMetadataEndpoint: fx.emulator.url }) },
  { desc: "Azure userData poll", kind: "azure", path: "/metadata/instance/compute/userData", watch: true, source: (fx) => new AzureSource({ azureMetadataEndpoint: fx.emulator.url, pollIntervalMs: 10 }) },
];

describe("body framing: metadata sources", () => {
  const scope = useEmulatorScope();

  for (const path of READ_PATHS) {
    for (const fault of BODY_FAULTS) {
      it(`${path.desc}: ${fault.desc} is a protocol error`, async () => {
        const fixture = await scope.start(path.kind, SPEC);
        const source = path.source(fixture);
        let result: Payload | SourceError;
        if (path.watch) {
          const cursor = scope.watch(source);
          expect(text(await cursor.next())).toBe(SPEC);
          await fixture.admin("POST", "faults", JSON.stringify({ ...fault.faults, path: path.path }));
          const next = cursor.next();
          await path.wake?.(fixture);
          result = await next;
        } else {
          await fixture.admin("POST", "faults", JSON.stringify({ ...fault.faults, path: path.path }));
          result = await source.read(signal);
        }
        expect(result).toMatchObject({ kind: "error", errorKind: "protocol" });
        // The fault was met: the emulator answered that path with it.
        expect((await fixture.requests()).some((r) => r.path.startsWith(path.path))).toBe(true);
      });
    }
  }
});

describe("body framing: url source", () => {
  let server: RawHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");
  const unframed = (body: string): string => `HTTP/1.1 200 OK\r\ncontent-type: text/yaml\r\nconnection: close\r\n\r\n${body}`;
  const cases: Array<{ desc: string; sent: string; pin?: string; expect: { kind: "error"; errorKind: string } | { kind: "present"; text: string } }> = [
    { desc: "an unpinned URL's unframed body is refused", sent: unframed(SPEC), expect: { kind: "error", errorKind: "protocol" } },
    { desc: "a pinned URL's unframed body is taken when the pin verifies", sent: unframed(SPEC), pin: sha256(SPEC), expect: { kind: "present", text: SPEC } },
    { desc: "a pinned URL's unframed body cut short fails the pin", sent: unframed(SPEC.slice(0, 20)), pin: sha256(SPEC), expect: { kind: "error", errorKind: "protocol" } },
    { desc: "a Content-Length body cut short is refused, pinned or not", sent: `HTTP/1.1 200 OK\r\ncontent-length: ${SPEC.length}\r\n\r\n${SPEC.slice(0, 20)}`, pin: sha256(SPEC), expect: { kind: "error", errorKind: "protocol" } },
    { desc: "a chunked body cut before its terminator is refused", sent: `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${SPEC.length.toString(16)}\r\n${SPEC}\r\n`, expect: { kind: "error", errorKind: "protocol" } },
    { desc: "a chunked body with its terminator is taken", sent: `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${SPEC.length.toString(16)}\r\n${SPEC}\r\n0\r\n\r\n`, expect: { kind: "present", text: SPEC } },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      server = await startRawHttpServer(() => c.sent);
      const result = await new UrlSource(`${server.url}/pods.yaml${c.pin === undefined ? "" : `#sha256=${c.pin}`}`, {}).read(signal);
      expect(result.kind === "present" ? { kind: "present", text: text(result) } : result).toMatchObject(c.expect);
    });
  }
});
