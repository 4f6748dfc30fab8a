// The EC2 emulator speaks IMDSv2 well enough for the AWS SDK's MetadataService.
import { MetadataService } from "@aws-sdk/ec2-metadata-service";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulatorFixture, type EmulatorFixture } from "./emulator-fixture.js";

describe("EC2 emulator", () => {
  let fixture: EmulatorFixture;
  let base: string;

  beforeEach(async () => {
    fixture = await startEmulatorFixture("ec2", "pods: from-user-data\n");
    base = fixture.emulator.url;
  });
  afterEach(async () => fixture.close());

  it("prints the client's variable as a URL", () => {
    expect(fixture.emulator.env.AWS_EC2_METADATA_SERVICE_ENDPOINT).toBe(base);
  });

  it("serves user-data and instance tags to the AWS SDK through the token flow", async () => {
    await fixture.admin("PUT", "tags/kube-pods", "url:https://example.com/pods.yaml#sha256=" + "a".repeat(64));
    const client = new MetadataService({ endpoint: base, ec2MetadataV1Disabled: true, retries: 0 });
    expect(await client.request("/latest/user-data", {})).toBe("pods: from-user-data\n");
    expect(await client.request("/latest/meta-data/tags/instance", {})).toBe("kube-pods");
    expect(await client.request("/latest/meta-data/tags/instance/kube-pods", {})).toMatch(/^url:https:/);
    const seen = await fixture.requests();
    const gets = seen.filter((r) => r.method === "GET");
    expect(gets.every((r) => typeof r.headers["x-aws-ec2-metadata-token"] === "string")).toBe(true);
    expect(seen.filter((r) => r.method === "PUT").every((r) => r.headers["x-aws-ec2-metadata-token-ttl-seconds"] === "21600")).toBe(true);
  });

  it("refuses a tag value over 256 characters, as AWS does, saying a tag holds a url:…#sha256= pointer", async () => {
    const response = await fetch(`${base}/_emulator/tags/kube-pods`, { method: "PUT", body: `apiVersion: v1\nkind: Pod\n${"#".repeat(300)}\n` });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/at most 256 characters: a tag holds url:<https URL>#sha256=<hex>/);
    expect(await fixture.admin("PUT", "imdsv1", "false")).toBe("");
    const imdsv1 = await fetch(`${base}/_emulator/imdsv1`, { method: "PUT", body: "maybe" });
    expect(imdsv1.status).toBe(400);
  });

  const ttlCases: Array<{ desc: string; ttl: string | undefined; status: number }> = [
    { desc: "missing TTL", ttl: undefined, status: 400 },
    { desc: "TTL 0", ttl: "0", status: 400 },
    { desc: "TTL above 6 h", ttl: "21601", status: 400 },
    { desc: "TTL not a number", ttl: "soon", status: 400 },
    { desc: "TTL 1", ttl: "1", status: 200 },
    { desc: "TTL 21600", ttl: "21600", status: 200 },
  ];
  for (const c of ttlCases) {
    it(`answers a token PUT with ${c.desc}: ${c.status}`, async () => {
      const headers: Record<string, string> = c.ttl === undefined ? {} : { "X-aws-ec2-metadata-token-ttl-seconds": c.ttl };
      const response = await fetch(`${base}/latest/api/token`, { method: "PUT", headers });
      expect(response.status).toBe(c.status);
    });
  }

  async function token(): Promise<string> {
    const response = await fetch(`${base}/latest/api/token`, { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60" } });
    return response.text();
  }

  it("answers 401 without a token, with an unknown one and with an expired one", async () => {
    expect((await fetch(`${base}/latest/user-data`)).status).toBe(401);
    expect((await fetch(`${base}/latest/user-data`, { headers: { "X-aws-ec2-metadata-token": "forged" } })).status).toBe(401);
    const valid = await token();
    expect((await fetch(`${base}/latest/user-data`, { headers: { "X-aws-ec2-metadata-token": valid } })).status).toBe(200);
    await fixture.admin("POST", "expire-tokens");
    expect((await fetch(`${base}/latest/user-data`, { headers: { "X-aws-ec2-metadata-token": valid } })).status).toBe(401);
  });

  it("accepts token-less requests only in v1 mode", async () => {
    await fixture.admin("PUT", "imdsv1", "true");
    expect((await fetch(`${base}/latest/user-data`)).status).toBe(200);
  });

  it("answers 404 for empty or cleared user-data", async () => {
    const headers = { "X-aws-ec2-metadata-token": await token() };
    await fixture.admin("PUT", "user-data", "");
    expect((await fetch(`${base}/latest/user-data`, { headers })).status).toBe(404);
    await fixture.admin("DELETE", "user-data");
    expect((await fetch(`${base}/latest/user-data`, { headers })).status).toBe(404);
    expect((await fetch(`${base}/latest/meta-data/tags/instance/kube-pods`, { headers })).status).toBe(404);
  });
});
