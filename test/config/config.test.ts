import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../src/config/config.js";
import { parseDuration } from "../../src/config/duration.js";
import { parseListenAddress } from "../../src/config/listen-address.js";
import { addSharedOptions } from "../../src/config/shared-options.js";

const context = { hostname: "Node-A", isTTY: false };

/** Parses argv through the real commander declaration, as `rower run` does. */
function flagsOf(argv: string[]): Record<string, unknown> {
  const command = addSharedOptions(new Command("run"), "run").exitOverride();
  command.parse(argv, { from: "user" });
  return command.opts();
}

describe("parseConfig defaults and precedence", () => {
  const cases: { desc: string; argv: string[]; env: Record<string, string>; tty?: boolean; expected: Partial<Config> }[] = [
    {
      desc: "defaults from the CLI contract",
      argv: [], env: {},
      expected: {
        source: "auto", key: "kube-pods", manifestDir: "/etc/kubernetes/manifests", pollIntervalMs: 10_000,
        logFormat: "json", stateDir: "/run/rower", nodeName: "node-a", maxBytes: 524_288,
        keepOnAbsent: false, projectFallback: true, imdsv1: false, ignitionPath: "/etc/rower/kube-pods.yaml",
        ec2MetadataDisabled: false, absentConfirmMs: 1_000, coalesceMs: 1_000,
      },
    },
    { desc: "directories are resolved once: a trailing slash is the same directory", argv: ["--manifest-dir", "/x/md/", "--state-dir", "/run/r//"], env: {}, expected: { manifestDir: "/x/md", stateDir: "/run/r" } },
    { desc: "a relative directory is made absolute", argv: ["--manifest-dir", "md"], env: {}, expected: { manifestDir: `${process.cwd()}/md` } },
    { desc: "--metadata-endpoint takes GCE_METADATA_HOST's HOST:PORT form", argv: ["--metadata-endpoint", "127.0.0.1:8080"], env: {}, expected: { metadataEndpoint: "http://127.0.0.1:8080" } },
    { desc: "--metadata-endpoint takes a URL as it is", argv: ["--metadata-endpoint", "https://md.example/x"], env: {}, expected: { metadataEndpoint: "https://md.example/x" } },
    { desc: "--absent-confirm 0 turns the wipe guard off", argv: ["--absent-confirm", "0"], env: {}, expected: { absentConfirmMs: 0 } },
    { desc: "--absent-confirm from env", argv: [], env: { ROWER_ABSENT_CONFIRM: "3s" }, expected: { absentConfirmMs: 3_000 } },
    { desc: "--coalesce 0 applies every change at once", argv: ["--coalesce", "0"], env: {}, expected: { coalesceMs: 0 } },
    { desc: "--coalesce takes a duration", argv: ["--coalesce", "250ms"], env: {}, expected: { coalesceMs: 250 } },
    { desc: "--coalesce from env", argv: [], env: { ROWER_COALESCE: "2s" }, expected: { coalesceMs: 2_000 } },
    { desc: "text logs on a TTY", argv: [], env: {}, tty: true, expected: { logFormat: "text" } },
    { desc: "env fills an unset flag", argv: [], env: { ROWER_SOURCE: "gce", ROWER_KEY: "pods" }, expected: { source: "gce", key: "pods" } },
    { desc: "flag wins over env", argv: ["--source", "ec2"], env: { ROWER_SOURCE: "gce" }, expected: { source: "ec2" } },
    { desc: "durations in ms", argv: ["--poll-interval", "500ms"], env: {}, expected: { pollIntervalMs: 500 } },
    { desc: "durations in minutes from env", argv: [], env: { ROWER_POLL_INTERVAL: "5m" }, expected: { pollIntervalMs: 300_000 } },
    { desc: "boolean env", argv: [], env: { ROWER_KEEP_ON_ABSENT: "1" }, expected: { keepOnAbsent: true } },
    { desc: "boolean flag", argv: ["--keep-on-absent"], env: { ROWER_KEEP_ON_ABSENT: "false" }, expected: { keepOnAbsent: true } },
    { desc: "project fallback off", argv: ["--no-project-fallback"], env: {}, expected: { projectFallback: false } },
    { desc: "file source", argv: ["--source", "file:/tmp/pods.yaml"], env: {}, expected: { source: "file:/tmp/pods.yaml" } },
    { desc: "url source", argv: ["--source", "url:http://127.0.0.1:1/p"], env: {}, expected: { source: "url:http://127.0.0.1:1/p" } },
    { desc: "cloud SDK variables", argv: [], env: { GCE_METADATA_HOST: "127.0.0.1:8080", AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9", AWS_EC2_METADATA_DISABLED: "TRUE" },
      expected: { gceMetadataHost: "127.0.0.1:8080", ec2MetadataEndpoint: "http://127.0.0.1:9", ec2MetadataDisabled: true } },
    { desc: "azure emulator endpoint", argv: [], env: { ROWER_AZURE_METADATA_ENDPOINT: "http://127.0.0.1:7" }, expected: { azureMetadataEndpoint: "http://127.0.0.1:7" } },
    { desc: "listen port only binds loopback", argv: ["--listen", ":9090"], env: {}, expected: { listen: { host: "127.0.0.1", port: 9090 } } },
    { desc: "listen explicit host", argv: [], env: { ROWER_LISTEN: "0.0.0.0:9090" }, expected: { listen: { host: "0.0.0.0", port: 9090 } } },
    { desc: "node name flag", argv: ["--node-name", "worker-1.example"], env: {}, expected: { nodeName: "worker-1.example" } },
    { desc: "max bytes", argv: ["--max-bytes", "1024"], env: {}, expected: { maxBytes: 1024 } },
    { desc: "a policy file, resolved once", argv: ["--policy", "policy.yaml"], env: {}, expected: { policy: `${process.cwd()}/policy.yaml` } },
    { desc: "trusted keys, repeated, resolved once", argv: ["--trust", "a.pub", "--trust", "/k/b.pub"], env: {}, expected: { trust: [`${process.cwd()}/a.pub`, "/k/b.pub"] } },
    { desc: "trusted keys from env, comma-separated", argv: [], env: { ROWER_TRUST: "/k/a.pub, /k/b.pub" }, expected: { trust: ["/k/a.pub", "/k/b.pub"] } },
    { desc: "no trusted keys by default", argv: [], env: {}, expected: { trust: [] } },
    { desc: "the kubelet with its mTLS files", argv: ["--kubelet", "https://127.0.0.1:10250/", "--kubelet-cert", "c.crt", "--kubelet-key", "/k/c.key", "--kubelet-ca", "/k/ca.crt"], env: {},
      expected: { kubelet: { url: "https://127.0.0.1:10250", cert: `${process.cwd()}/c.crt`, key: "/k/c.key", ca: "/k/ca.crt" } } },
    { desc: "the kubelet from env", argv: [], env: { ROWER_KUBELET: "https://127.0.0.1:10250", ROWER_KUBELET_CERT: "/c", ROWER_KUBELET_KEY: "/k", ROWER_KUBELET_CA: "/a" },
      expected: { kubelet: { url: "https://127.0.0.1:10250", cert: "/c", key: "/k", ca: "/a" } } },
    { desc: "guest attributes off by default", argv: [], env: {}, expected: { reportGuestAttributes: false } },
    { desc: "guest attributes on", argv: ["--report-guest-attributes"], env: {}, expected: { reportGuestAttributes: true } },
    { desc: "guest attributes from env", argv: [], env: { ROWER_REPORT_GUEST_ATTRIBUTES: "true" }, expected: { reportGuestAttributes: true } },
    { desc: "a policy file from env", argv: [], env: { ROWER_POLICY: "/etc/rower/policy.yaml" }, expected: { policy: "/etc/rower/policy.yaml" } },
    { desc: "empty env is unset", argv: [], env: { ROWER_SOURCE: "" }, expected: { source: "auto" } },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const result = parseConfig(flagsOf(c.argv), c.env, { ...context, isTTY: c.tty ?? false });
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.config).toMatchObject(c.expected);
    });
  }
});

describe("parseConfig rejections name the option and the accepted values", () => {
  it("names every bad option, not only the first", () => {
    const result = parseConfig(flagsOf(["--source", "gcp", "--poll-interval", "fast"]), { ROWER_LISTEN: "everywhere" }, context);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain("--source");
      expect(result.message).toContain("--poll-interval");
      expect(result.message).toContain("ROWER_LISTEN (for --listen)");
      expect(result.message.split("\n")).toHaveLength(1);
    }
  });

  const cases: { desc: string; argv: string[]; env: Record<string, string>; names: string; accepts: string }[] = [
    { desc: "unknown source", argv: ["--source", "gcp"], env: {}, names: "--source", accepts: "auto, gce, ec2, azure, file:PATH, url:URL" },
    { desc: "bad source from env", argv: [], env: { ROWER_SOURCE: "url:ftp://x" }, names: "ROWER_SOURCE", accepts: "url:URL" },
    { desc: "bad duration", argv: ["--poll-interval", "10"], env: {}, names: "--poll-interval", accepts: "500ms, 10s, 5m" },
    { desc: "zero duration", argv: [], env: { ROWER_POLL_INTERVAL: "0s" }, names: "ROWER_POLL_INTERVAL", accepts: "500ms" },
    { desc: "bad log format", argv: ["--log-format", "yaml"], env: {}, names: "--log-format", accepts: "json, text" },
    { desc: "bad listen", argv: ["--listen", "localhost:99999"], env: {}, names: "--listen", accepts: "HOST:PORT" },
    { desc: "bad boolean env", argv: [], env: { ROWER_KEEP_ON_ABSENT: "maybe" }, names: "ROWER_KEEP_ON_ABSENT", accepts: "true, false, 1, 0" },
    { desc: "bad coalesce window", argv: ["--coalesce", "soon"], env: {}, names: "--coalesce", accepts: "500ms, 10s, 5m" },
    { desc: "bad max bytes", argv: ["--max-bytes", "1k"], env: {}, names: "--max-bytes", accepts: "whole number of bytes" },
    { desc: "bad node name", argv: ["--node-name", "node_1"], env: {}, names: "--node-name", accepts: "DNS-1123" },
    { desc: "bad key", argv: ["--key", "kube pods"], env: {}, names: "--key", accepts: "A-Z" },
    { desc: "bad metadata endpoint", argv: ["--metadata-endpoint", "ftp://metadata/"], env: {}, names: "--metadata-endpoint", accepts: "HOST[:PORT]" },
    { desc: "a trusted key from the network", argv: ["--trust", "/k/a.pub", "--trust", "https://example.com/k.pub"], env: {}, names: "--trust", accepts: "local disk" },
    { desc: "a plain-http kubelet", argv: ["--kubelet", "http://127.0.0.1:10255", "--kubelet-cert", "/c", "--kubelet-key", "/k", "--kubelet-ca", "/a"], env: {}, names: "--kubelet", accepts: "https://" },
    { desc: "the kubelet without its client key", argv: ["--kubelet", "https://127.0.0.1:10250", "--kubelet-cert", "/c", "--kubelet-ca", "/a"], env: {}, names: "--kubelet", accepts: "--kubelet-key" },
    { desc: "mTLS files without --kubelet", argv: ["--kubelet-ca", "/a"], env: {}, names: "--kubelet-ca", accepts: "--kubelet URL" },
    { desc: "a policy from the network", argv: ["--policy", "https://example.com/policy.yaml"], env: {}, names: "--policy", accepts: "local disk" },
    { desc: "bad EC2 endpoint env", argv: [], env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: "169.254.169.254" }, names: "AWS_EC2_METADATA_SERVICE_ENDPOINT", accepts: "http://" },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      const result = parseConfig(flagsOf(c.argv), c.env, context);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.message).toContain(c.names);
        expect(result.message).toContain(c.accepts);
      }
    });
  }
});

it("--listen off serves nothing, even over ROWER_LISTEN", () => {
  const result = parseConfig(flagsOf(["--listen", "off"]), { ROWER_LISTEN: ":9090" }, context);
  expect(result.ok && result.config.listen).toBe(undefined);
  expect(result.ok).toBe(true);
});

describe("parseDuration", () => {
  const cases: [string, number | undefined][] = [
    ["500ms", 500], ["10s", 10_000], ["5m", 300_000], ["1h", 3_600_000], ["10", undefined], ["1.5s", undefined], ["-1s", undefined], ["s", undefined],
  ];
  for (const [text, ms] of cases) it(`${text} → ${ms}`, () => expect(parseDuration(text)).toBe(ms));
});

describe("parseListenAddress", () => {
  const cases: [string, { host: string; port: number } | undefined][] = [
    ["9090", { host: "127.0.0.1", port: 9090 }],
    [":0", { host: "127.0.0.1", port: 0 }],
    ["localhost:80", { host: "localhost", port: 80 }],
    ["[::1]:9090", { host: "::1", port: 9090 }],
    ["0.0.0.0:65536", undefined],
    ["http://x:1", undefined],
  ];
  for (const [text, address] of cases) it(text, () => expect(parseListenAddress(text)).toEqual(address));
});
