import { describe, it } from "vitest";
import { GCE, runMetadataScenario } from "./metadata-scenario.js";

describe("rower run against rower emulate gce (built CLI)", () => {
  it("adds, changes, removes, survives absent/garbage/invalid/outage phases and converges", async () => {
    await runMetadataScenario(GCE);
  }, 60_000);
});
