// Platform detection: configured endpoints, DMI strings from a temp dir, and the network
// probe against each emulator (and against nothing) on loopback.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { detectFromConfiguration, detectFromDmi, detectPlatform, probePlatform } from "../../src/sources/detect.js";
import { startEmulatorFixture } from "../emulator/emulator-fixture.js";
import { closedPort } from "./loopback-server.js";

const signal = new AbortController().signal;

describe("detectFromDmi", () => {
  let dmi: string;
  beforeEach(async () => {
    dmi = await mkdtemp(join(tmpdir(), "rower-dmi-"));
  });
  afterEach(async () => rm(dmi, { recursive: true, force: true }));

  const cases: Array<{ desc: string; fields: Record<string, string>; platform: string | undefined }> = [
    { desc: "GCE product name", fields: { product_name: "Google Compute Engine\n", sys_vendor: "Google\n" }, platform: "gce" },
    { desc: "GCE BIOS vendor alone", fields: { bios_vendor: "Google\n" }, platform: "gce" },
    { desc: "EC2 Nitro asset tag", fields: { board_asset_tag: "i-0123456789abcdef0\n", sys_vendor: "Amazon EC2\n" }, platform: "ec2" },
    { desc: "EC2 vendor alone", fields: { sys_vendor: "Amazon EC2\n" }, platform: "ec2" },
    { desc: "Azure chassis asset tag", fields: { chassis_asset_tag: "7783-7084-3265-9085-8269-3286-77\n", sys_vendor: "Microsoft Corporation\n" }, platform: "azure" },
    { desc: "Hyper-V on premises (Microsoft vendor, other tag)", fields: { sys_vendor: "Microsoft Corporation\n", chassis_asset_tag: "0000\n" }, platform: undefined },
    { desc: "a QEMU laptop VM", fields: { sys_vendor: "QEMU\n", product_name: "Standard PC (Q35 + ICH9, 2009)\n" }, platform: undefined },
    { desc: "no DMI at all", fields: {}, platform: undefined },
  ];
  for (const c of cases) {
    it(`detects ${c.platform ?? "nothing"} from ${c.desc}`, async () => {
      for (const [name, value] of Object.entries(c.fields)) await writeFile(join(dmi, name), value);
      expect(detectFromDmi(dmi)?.platform).toBe(c.platform);
    });
  }

  it("names the evidence in its reason", async () => {
    await writeFile(join(dmi, "product_name"), "Google Compute Engine\n");
    expect(detectFromDmi(dmi)?.reason).toContain("Google Compute Engine");
  });
});

describe("detectFromConfiguration", () => {
  const cases: Array<{ options: object; platform: string | undefined }> = [
    { options: { gceMetadataHost: "127.0.0.1:1" }, platform: "gce" },
    { options: { ec2MetadataEndpoint: "http://127.0.0.1:1" }, platform: "ec2" },
    { options: { azureMetadataEndpoint: "http://127.0.0.1:1" }, platform: "azure" },
    { options: {}, platform: undefined },
  ];
  for (const c of cases) {
    it(`detects ${c.platform ?? "nothing"} from ${JSON.stringify(c.options)}`, () => {
      expect(detectFromConfiguration(c.options)?.platform).toBe(c.platform);
    });
  }
});

describe("probePlatform", () => {
  for (const kind of ["gce", "ec2", "azure"] as const) {
    it(`recognises the ${kind} protocol at the configured endpoint`, async () => {
      const fixture = await startEmulatorFixture(kind, "x: 1\n");
      try {
        expect(await probePlatform({ endpoint: fixture.emulator.url }, signal)).toMatchObject({ platform: kind });
      } finally {
        await fixture.close();
      }
    });
  }

  it("gives up with no platform when nothing answers", async () => {
    const detection = await probePlatform({ endpoint: `http://127.0.0.1:${await closedPort()}`, probeTimeoutMs: 500 }, signal);
    expect(detection.platform).toBeUndefined();
    expect(detection.reason).toContain("no metadata server answered");
  });

  it("stops within its budget when the endpoint never answers", async () => {
    const fixture = await startEmulatorFixture("gce", "x: 1\n");
    try {
      await fixture.admin("POST", "faults", JSON.stringify({ delayMs: 60_000 }));
      const detection = await probePlatform({ endpoint: fixture.emulator.url, probeTimeoutMs: 200 }, signal);
      expect(detection.platform).toBeUndefined();
    } finally {
      await fixture.close();
    }
  });

  it("prefers DMI over the network", async () => {
    const dmi = await mkdtemp(join(tmpdir(), "rower-dmi-"));
    try {
      await writeFile(join(dmi, "board_asset_tag"), "i-0abc12345678\n");
      const detection = await detectPlatform({ dmiRoot: dmi, endpoint: `http://127.0.0.1:${await closedPort()}` }, signal);
      expect(detection.platform).toBe("ec2");
    } finally {
      await rm(dmi, { recursive: true, force: true });
    }
  });
});
