// createSource: spec parsing, and `auto` resolved by DMI or, failing that, by the probe on first use.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSource } from "../../src/sources/create-source.js";
import { parseSourceSpec } from "../../src/sources/source-spec.js";
import type { SourceLog } from "../../src/sources/source-options.js";
import { startEmulatorFixture } from "../emulator/emulator-fixture.js";
import { text } from "./watch-cursor.js";

const signal = new AbortController().signal;

describe("parseSourceSpec", () => {
  const cases: Array<{ spec: string; expect: object | string }> = [
    { spec: "auto", expect: { kind: "auto" } },
    { spec: "gce", expect: { kind: "gce" } },
    { spec: "ec2", expect: { kind: "ec2" } },
    { spec: "azure", expect: { kind: "azure" } },
    { spec: "file:/etc/pods.yaml", expect: { kind: "file", path: "/etc/pods.yaml" } },
    { spec: `url:https://h/p#sha256=${"ab".repeat(32)}`, expect: { kind: "url", url: `https://h/p#sha256=${"ab".repeat(32)}` } },
    { spec: "url:https://h/p#sha256=ab", expect: "#sha256=<64 hex digits>" },
    { spec: "file:", expect: "needs a path" },
    { spec: "url:ftp://h", expect: "http" },
    { spec: "aws", expect: "expected auto, gce, ec2, azure" },
  ];
  for (const c of cases) {
    it(`parses ${JSON.stringify(c.spec)}`, () => {
      const parsed = parseSourceSpec(c.spec);
      if (typeof c.expect === "string") expect(parsed).toContain(c.expect);
      else expect(parsed).toEqual(c.expect);
    });
  }
});

describe("createSource", () => {
  let dmi: string;
  const events: Array<{ event: string; fields?: object }> = [];
  const log: SourceLog = { info: (event, fields) => events.push({ event, fields }), warn: (event, fields) => events.push({ event, fields }) };
  beforeEach(async () => {
    dmi = await mkdtemp(join(tmpdir(), "rower-dmi-"));
    events.length = 0;
  });
  afterEach(async () => rm(dmi, { recursive: true, force: true }));

  const kinds: Array<{ spec: string; kind: string }> = [
    { spec: "gce", kind: "gce" },
    { spec: "ec2", kind: "ec2" },
    { spec: "azure", kind: "azure" },
    { spec: "file:/x", kind: "file" },
    { spec: "url:http://127.0.0.1:1/x", kind: "url" },
  ];
  for (const c of kinds) {
    it(`builds a ${c.kind} source for ${c.spec}`, () => {
      expect(createSource(c.spec, {}).kind).toBe(c.kind);
    });
  }

  it("throws on a spec the config module should have refused", () => {
    expect(() => createSource("aws", {})).toThrow(RangeError);
  });

  it("resolves auto from DMI without network and logs why", async () => {
    await writeFile(join(dmi, "product_name"), "Google Compute Engine\n");
    expect(createSource("auto", { dmiRoot: dmi, log }).kind).toBe("gce");
    expect(events).toEqual([{ event: "source.detected", fields: expect.objectContaining({ platform: "gce" }) }]);
  });

  it("resolves auto by probing on first read when DMI says nothing", async () => {
    const fixture = await startEmulatorFixture("azure", "pods: probed\n");
    try {
      const source = createSource("auto", { dmiRoot: dmi, endpoint: fixture.emulator.url, log });
      expect(source.kind).toBe("auto");
      expect(text(await source.read(signal))).toBe("pods: probed\n");
      expect(source.kind).toBe("azure");
      expect(events.map((e) => e.event)).toEqual(["source.detected"]);
    } finally {
      await fixture.close();
    }
  });
});
