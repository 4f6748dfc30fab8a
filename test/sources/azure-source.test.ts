// rower's Azure source against the Azure emulator: base64 userData, polling, and 404/410
// as transient errors (IMDS updating), never "absent".
import { describe, expect, it } from "vitest";
import { AzureSource, AZURE_API_VERSION, AZURE_MAX_USER_DATA_BYTES } from "../../src/sources/azure.js";
import type { SourceOptions } from "../../src/sources/source-options.js";
import type { EmulatorFixture } from "../emulator/emulator-fixture.js";
import { useEmulatorScope } from "./emulator-scope.js";
import { text } from "./watch-cursor.js";

const signal = new AbortController().signal;

describe("Azure source", () => {
  const scope = useEmulatorScope();

  async function setUp(userData: string | undefined, options: SourceOptions = {}): Promise<{ fx: EmulatorFixture; source: AzureSource }> {
    const fixture = await scope.start("azure", userData);
    return { fx: fixture, source: new AzureSource({ azureMetadataEndpoint: fixture.emulator.url, ...options }) };
  }

  it("reads userData decoded from base64, with Metadata: true and the pinned api-version", async () => {
    const { fx, source } = await setUp("pods: azure\n");
    const payload = await source.read(signal);
    expect({ kind: payload.kind, text: text(payload) }).toEqual({ kind: "present", text: "pods: azure\n" });
    const [request] = await fx.requests();
    expect(request?.headers["metadata"]).toBe("true");
    expect(request?.path).toBe(`/metadata/instance/compute/userData?api-version=${AZURE_API_VERSION}&format=text`);
  });

  it("reads an unset userData as an empty payload", async () => {
    const { source } = await setUp(undefined);
    expect(await source.read(signal)).toMatchObject({ kind: "present", bytes: new Uint8Array() });
  });

  const errorCases: Array<{ desc: string; faults: object; errorKind: string; status?: number }> = [
    { desc: "404 while IMDS updates", faults: { status: 404, count: 1 }, errorKind: "http-status", status: 404 },
    { desc: "410 while IMDS updates", faults: { status: 410, count: 1 }, errorKind: "http-status", status: 410 },
    { desc: "429 throttling", faults: { status: 429, count: 1 }, errorKind: "http-status", status: 429 },
    { desc: "two resets", faults: { reset: 2 }, errorKind: "unreachable" },
    { desc: "a truncated body", faults: { truncate: 1 }, errorKind: "protocol" },
  ];
  for (const c of errorCases) {
    it(`returns ${c.errorKind} for ${c.desc}`, async () => {
      const { fx, source } = await setUp("pods: azure\n");
      await fx.admin("POST", "faults", JSON.stringify(c.faults));
      expect(await source.read(signal)).toMatchObject({ kind: "error", errorKind: c.errorKind, ...(c.status === undefined ? {} : { status: c.status }) });
    });
  }

  it("refuses base64 userData over 64 KiB as too-large", async () => {
    const { source } = await setUp("x".repeat((AZURE_MAX_USER_DATA_BYTES / 4) * 3 + 3));
    expect(await source.read(signal)).toMatchObject({ kind: "error", errorKind: "too-large" });
  });

  it("polls: a poll with the same userData is a contact", async () => {
    const { source } = await setUp("v1\n", { pollIntervalMs: 20 });
    const cursor = scope.watch(source);
    expect(text(await cursor.next())).toBe("v1\n");
    expect(await cursor.nextItem()).toEqual({ kind: "contact", source: "azure:userData" });
  });

  it("polls and yields each new userData", async () => {
    const { fx, source } = await setUp("v1\n", { pollIntervalMs: 20 });
    const cursor = scope.watch(source);
    expect(text(await cursor.next())).toBe("v1\n");
    await fx.admin("PUT", "user-data", "v2\n");
    expect(text(await cursor.next())).toBe("v2\n");
  });
});
