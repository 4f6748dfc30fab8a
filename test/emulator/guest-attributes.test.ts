// The GCE emulator's guest attributes, as the metadata server answers them: disabled (403)
// unless enable-guest-attributes=TRUE, the Metadata-Flavor header required, PUT to set,
// GET to read a value, a namespace or all of them, DELETE to remove.
import { afterEach, describe, expect, it } from "vitest";
import { startEmulatorFixture, type EmulatorFixture } from "./emulator-fixture.js";

const FLAVOR = { "Metadata-Flavor": "Google" };

describe("GCE emulator: guest attributes", () => {
  let fx: EmulatorFixture | undefined;
  afterEach(async () => { await fx?.close(); fx = undefined; });

  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = FLAVOR): Promise<{ status: number; text: string; flavor: string | null }> => {
    const response = await fetch(`${fx?.emulator.url}/computeMetadata/v1/instance/guest-attributes/${path}`, { method, headers, body: body ?? null });
    return { status: response.status, text: await response.text(), flavor: response.headers.get("metadata-flavor") };
  };

  it("is disabled until enable-guest-attributes is TRUE (the instance's value over the project's)", async () => {
    fx = await startEmulatorFixture("gce", "pods\n");
    expect(await call("PUT", "rower/status", "x")).toMatchObject({ status: 403, text: "Guest attributes endpoint access is disabled.\n", flavor: "Google" });
    await fx.admin("PUT", "project/attributes/enable-guest-attributes", "TRUE");
    expect(await call("PUT", "rower/status", "x")).toMatchObject({ status: 200 });
    await fx.admin("PUT", "instance/attributes/enable-guest-attributes", "FALSE");
    expect(await call("GET", "rower/status")).toMatchObject({ status: 403 });
  });

  it("PUT sets, GET reads a value, a namespace and all, DELETE removes", async () => {
    fx = await startEmulatorFixture("gce", "pods\n");
    await fx.admin("PUT", "instance/attributes/enable-guest-attributes", "true");
    expect(await call("PUT", "rower/status", '{"a":1}')).toMatchObject({ status: 200 });
    expect(await call("PUT", "rower/other", "2")).toMatchObject({ status: 200 });
    expect(await call("GET", "rower/status")).toMatchObject({ status: 200, text: '{"a":1}' });
    expect(await call("GET", "rower/")).toMatchObject({ status: 200, text: "other\nstatus\n" });
    expect(await call("GET", "")).toMatchObject({ status: 200, text: "rower/\n" });
    expect(JSON.parse((await call("GET", "?recursive=true&alt=json")).text)).toEqual({ rower: { other: "2", status: '{"a":1}' } });
    expect(JSON.parse(await fx.admin("GET", "guest-attributes"))).toEqual({ rower: { other: "2", status: '{"a":1}' } });
    expect(await call("DELETE", "rower/other")).toMatchObject({ status: 200 });
    expect(await call("GET", "rower/other")).toMatchObject({ status: 404 });
  });

  it.each([
    { desc: "without Metadata-Flavor", method: "PUT", path: "rower/status", headers: {}, status: 403 },
    { desc: "a namespace without a key", method: "PUT", path: "rower", headers: FLAVOR, status: 400 },
    { desc: "too deep a path", method: "PUT", path: "rower/a/b", headers: FLAVOR, status: 400 },
    { desc: "POST", method: "POST", path: "rower/status", headers: FLAVOR, status: 405 },
  ])("refuses $desc", async ({ method, path, headers, status }) => {
    fx = await startEmulatorFixture("gce", "pods\n");
    await fx.admin("PUT", "instance/attributes/enable-guest-attributes", "TRUE");
    expect((await call(method, path, "x", headers)).status).toBe(status);
    expect(JSON.parse(await fx.admin("GET", "guest-attributes"))).toEqual({});
  });
});
