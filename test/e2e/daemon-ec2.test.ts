import { describe, it } from "vitest";
import { EC2, runMetadataScenario } from "./metadata-scenario.js";

describe("rower run against rower emulate ec2 (built CLI)", () => {
  it("adds, changes, removes, survives absent/garbage/invalid/outage phases and converges", async () => {
    await runMetadataScenario(EC2);
  }, 60_000);
});
