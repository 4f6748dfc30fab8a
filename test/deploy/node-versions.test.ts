// The Node versions rower supports, and that every locked package installs on them without
// an EBADENGINE warning: the lowest Node 20 that package.json's engines allows, and the
// Node 24 the Dockerfile pins (which .ci/run reads to run the tests a second time).
import semver from "semver";
import { describe, expect, it } from "vitest";
import { readRepoFile } from "./launch-material.js";

interface LockedPackage {
  version?: string;
  engines?: { node?: string };
}

const pkg = JSON.parse(readRepoFile("package.json")) as { engines: { node: string } };
const lock = JSON.parse(readRepoFile("package-lock.json")) as { packages: Record<string, LockedPackage> };

/** The lowest version the engines range allows: what a user reading "Node 20.x or later" may run. */
const lowestNode = semver.minVersion(pkg.engines.node)?.version ?? "";
/** The Dockerfile's pin, the same sed expression .ci/run uses. */
const dockerNode = /^FROM node:([0-9.]*)-bookworm-slim/m.exec(readRepoFile("Dockerfile"))?.[1] ?? "";

/** Locked packages whose engines.node refuses one of the given Node versions. */
function refusing(packages: Record<string, LockedPackage>, nodes: string[]): string[] {
  return Object.entries(packages).flatMap(([path, locked]) => {
    const range = locked.engines?.node;
    if (range === undefined) return [];
    return nodes.filter((node) => !semver.satisfies(node, range)).map((node) => `${path || "(root)"}@${locked.version}: ${range} refuses ${node}`);
  });
}

describe("supported Node versions", () => {
  it("package.json allows Node 20 and the Dockerfile pins an exact Node 24", () => {
    expect(semver.major(lowestNode)).toBe(20);
    expect(dockerNode).toMatch(/^24\.\d+\.\d+$/);
  });

  it("every locked package installs on both without an engine warning", () => {
    expect(refusing(lock.packages, [lowestNode, dockerNode])).toEqual([]);
  });

  it("the README names the same lowest Node 20", () => {
    const [major, minor] = lowestNode.split(".");
    expect(readRepoFile("README.md")).toContain(`Node ${major}.${minor} or later`);
  });

  // The check must be able to say no, or the test above proves nothing: client-node 2.0's
  // own undici (8.x, Node >= 22.19) is what package.json's override replaces.
  it("refuses a package that needs a newer Node (the check can fail)", () => {
    expect(refusing({ "node_modules/undici": { version: "8.12.4", engines: { node: ">=22.19.0" } } }, ["20.19.0", "24.22.3"])).toEqual([
      "node_modules/undici@8.12.4: >=22.19.0 refuses 20.19.0",
    ]);
  });
});
