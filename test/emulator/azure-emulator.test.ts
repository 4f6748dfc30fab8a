// The Azure emulator: the Metadata header and api-version checks, base64 userData.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulatorFixture, type EmulatorFixture } from "./emulator-fixture.js";

describe("Azure emulator", () => {
  let fixture: EmulatorFixture;

  beforeEach(async () => {
    fixture = await startEmulatorFixture("azure", "pods: azure\n");
  });
  afterEach(async () => fixture.close());

  const cases: Array<{ desc: string; query: string; headers: Record<string, string>; status: number; body?: string }> = [
    { desc: "no Metadata header", query: "?api-version=2021-01-01&format=text", headers: {}, status: 400 },
    { desc: "no api-version", query: "?format=text", headers: { Metadata: "true" }, status: 400 },
    { desc: "base64 userData", query: "?api-version=2021-01-01&format=text", headers: { Metadata: "true" }, status: 200, body: Buffer.from("pods: azure\n").toString("base64") },
  ];
  for (const c of cases) {
    it(`answers ${c.desc} with ${c.status}`, async () => {
      const response = await fetch(`${fixture.emulator.url}/metadata/instance/compute/userData${c.query}`, { headers: c.headers });
      expect(response.status).toBe(c.status);
      if (c.body !== undefined) expect(await response.text()).toBe(c.body);
    });
  }

  it("names its endpoint in ROWER_AZURE_METADATA_ENDPOINT", () => {
    expect(fixture.emulator.env).toEqual({ ROWER_AZURE_METADATA_ENDPOINT: fixture.emulator.url });
  });
});
