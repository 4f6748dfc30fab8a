// The kubelet's image credential providers: the config it is given, the flags that give it,
// the binaries fetch-credential-providers installs under the names the config uses, and
// which images each plugin is asked about (the kubelet's matchImages rule).
import { describe, expect, it } from "vitest";
import { parseYaml, readRepoFile } from "./launch-material.js";
import { parseUnitFile, unitValue } from "./unit-file.js";

interface CredentialProvider {
  name: string;
  apiVersion: string;
  matchImages: string[];
  defaultCacheDuration: string;
  args?: string[];
}

const config = parseYaml(readRepoFile("deploy/kubelet/credential-providers.yaml")) as { apiVersion: string; kind: string; providers: CredentialProvider[] };
const script = readRepoFile("deploy/kubelet/fetch-credential-providers");
const pins = Object.fromEntries(
  readRepoFile("deploy/kubelet/credential-providers.env").split("\n").filter((l) => /^[A-Z_0-9]+=/.test(l)).map((l) => l.split("=", 2) as [string, string]),
);
const execStart = (unitValue(parseUnitFile(readRepoFile("deploy/systemd/kubelet.service")), "Service", "ExecStart") ?? "").split(/\s+/);
const flag = (name: string): string | undefined => execStart.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);

/**
 * The kubelet's matchImages rule (credentialprovider URLsMatchStr, described on the
 * CredentialProvider type): same number of host parts, each matching its glob part (a
 * glob covers one part), the pattern's port and path (a prefix) if it has them.
 */
function matches(pattern: string, image: string): boolean {
  const split = (ref: string) => {
    const slash = ref.indexOf("/");
    const [host = "", port = ""] = (slash < 0 ? ref : ref.slice(0, slash)).split(":");
    return { parts: host.split("."), port, path: slash < 0 ? "" : ref.slice(slash) };
  };
  const p = split(pattern);
  const i = split(image.replace(/[:@][^/]*$/, ""));
  if (p.parts.length !== i.parts.length) return false;
  const globMatches = (glob: string, part: string): boolean =>
    new RegExp(`^${glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^.]*")}$`).test(part);
  if (!p.parts.every((glob, k) => globMatches(glob, i.parts[k] ?? ""))) return false;
  if (p.port !== "" && p.port !== i.port) return false;
  return i.path.startsWith(p.path);
}
const providersFor = (image: string): string[] => config.providers.filter((p) => p.matchImages.some((m) => matches(m, image))).map((p) => p.name);

describe("image credential providers", () => {
  it("is a kubelet.config.k8s.io/v1 CredentialProviderConfig with complete providers", () => {
    expect({ apiVersion: config.apiVersion, kind: config.kind }).toEqual({ apiVersion: "kubelet.config.k8s.io/v1", kind: "CredentialProviderConfig" });
    for (const provider of config.providers) {
      expect(provider.apiVersion).toBe("credentialprovider.kubelet.k8s.io/v1");
      expect(provider.matchImages.length).toBeGreaterThan(0);
      expect(provider.defaultCacheDuration).toMatch(/^\d+[smh]$/);
    }
  });

  it("is what the kubelet unit passes, with the directory the fetch script installs into", () => {
    expect(flag("image-credential-provider-config")).toBe("/etc/kubernetes/credential-providers.yaml");
    expect(script).toContain(`CREDENTIAL_PROVIDERS_DIR:=${flag("image-credential-provider-bin-dir")}}`);
    expect(readRepoFile("deploy/systemd/kubelet.service")).toContain("ExecStartPre=/opt/rower/bin/fetch-credential-providers");
  });

  it("names every provider after a binary the fetch script installs (the kubelet refuses to start without it)", () => {
    const installed = [...script.matchAll(/^install_provider (\S+) /gm)].map((m) => m[1]);
    expect(config.providers.map((p) => p.name).sort()).toEqual(installed.sort());
  });

  it("pins each plugin's version and a sha256 for both architectures the kubelet ships", () => {
    for (const plugin of ["AUTH_PROVIDER_GCP", "ECR_CREDENTIAL_PROVIDER"]) {
      expect(pins[`${plugin}_VERSION`]).toMatch(/^v\d+\.\d+\.\d+$/);
      for (const arch of ["AMD64", "ARM64"]) expect(pins[`${plugin}_SHA256_${arch}`]).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it.each([
    { image: "europe-west1-docker.pkg.dev/my-project/rower/nginx:1.27-alpine", providers: ["auth-provider-gcp"] },
    { image: "gcr.io/my-project/nginx:1.27", providers: ["auth-provider-gcp"] },
    { image: "eu.gcr.io/my-project/nginx@sha256:0000", providers: ["auth-provider-gcp"] },
    { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/rower/nginx:1.27-alpine", providers: ["ecr-credential-provider"] },
    { image: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/nginx:1.27", providers: ["ecr-credential-provider"] },
    { image: "nginx:1.27-alpine", providers: [] },
    { image: "ghcr.io/rower-project/rower:0.1.0", providers: [] },
    // A glob covers one host part: *.pkg.dev is not asked about a deeper host.
    { image: "a.b.pkg.dev/x", providers: [] },
  ])("asks $providers about $image", ({ image, providers }) => {
    expect(providersFor(image)).toEqual(providers);
  });
});
