import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderButaneConfig } from "../../tools/butane/render-butane-config.js";
import { sameLaunchFile } from "../../tools/launch-material/same-launch-file.js";
import {
  BUTANE_CONFIGS,
  IGNITION_PODS_PATH,
  type IgnitionConfig,
  REPO,
  ignitionFiles,
  parseYaml,
  readRepoFile,
} from "./launch-material.js";

const readLocal = (relative: string): Uint8Array | undefined => {
  const path = join(REPO, relative);
  return existsSync(path) ? readFileSync(path) : undefined;
};

function findIgnitionValidate(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v ignition-validate"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}
const ignitionValidate = findIgnitionValidate();

// Files every Ignition config installs for the kubelet and rower, and where from.
const INSTALLED_FROM_DEPLOY = [
  { path: "/etc/rower/rower.env", source: "deploy/rower.env" },
  { path: "/etc/kubernetes/kubelet.env", source: "deploy/kubelet/kubelet.env" },
  { path: "/etc/kubernetes/kubelet-config.yaml", source: "deploy/kubelet/kubelet-config.yaml" },
  { path: "/opt/rower/bin/fetch-kubelet", source: "deploy/kubelet/fetch-kubelet" },
  { path: "/opt/rower/bin/make-kubelet-pki", source: "deploy/kubelet/make-kubelet-pki" },
  { path: "/etc/kubernetes/credential-providers.env", source: "deploy/kubelet/credential-providers.env" },
  { path: "/etc/kubernetes/credential-providers.yaml", source: "deploy/kubelet/credential-providers.yaml" },
  { path: "/opt/rower/bin/fetch-credential-providers", source: "deploy/kubelet/fetch-credential-providers" },
  { path: "/etc/systemd/system/kubelet.service", source: "deploy/systemd/kubelet.service" },
];

describe.each(BUTANE_CONFIGS)("$butane", ({ butane, ignition }) => {
  const committed = readRepoFile(ignition);
  const config = JSON.parse(committed) as IgnitionConfig;
  const files = ignitionFiles(config);
  const runtime = (parseYaml(readRepoFile(butane)) as { variant: string }).variant === "fcos" ? "podman" : "docker";

  it(`renders to the committed ${ignition}`, () => {
    const rendered = renderButaneConfig(readRepoFile(butane), readLocal);
    expect(rendered.ok).toBe(true);
    // Same meaning: gzip bytes may differ between zlib builds, the files they carry may not.
    if (rendered.ok && !sameLaunchFile(ignition, rendered.json, committed)) expect(rendered.json).toBe(committed);
  });

  it("is Ignition spec 3.3.0", () => {
    expect(config.ignition.version).toBe("3.3.0");
  });

  it.skipIf(!ignitionValidate)(ignitionValidate ? "passes ignition-validate" : "passes ignition-validate (skipped: ignition-validate is not installed)", () => {
    if (!ignitionValidate) return;
    const result = spawnSync(ignitionValidate, [join(REPO, ignition)], { encoding: "utf8" });
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
      status: 0,
      stderr: "",
      stdout: "",
    });
  });

  it.each(INSTALLED_FROM_DEPLOY)("installs $path from $source", ({ path, source }) => {
    expect(files.get(path)).toBe(readRepoFile(source));
  });

  it(`installs the ${runtime} flavour of rower's units`, () => {
    for (const unit of ["rower-init.service", "rower.service"]) {
      expect(files.get(`/etc/systemd/system/${unit}`)).toBe(readRepoFile(`deploy/systemd/${runtime}/${unit}`));
    }
  });

  it("makes the kubelet's scripts executable and creates the manifest directory", () => {
    for (const script of ["/opt/rower/bin/fetch-kubelet", "/opt/rower/bin/fetch-credential-providers", "/opt/rower/bin/make-kubelet-pki"]) {
      expect(config.storage?.files?.find((f) => f.path === script)?.mode).toBe(0o755);
    }
    expect(config.storage?.directories?.map((d) => d.path)).toContain("/etc/kubernetes/manifests");
  });

  it("enables containerd, the kubelet, rower-init and rower", () => {
    const enabled = (config.systemd?.units ?? []).filter((u) => u.enabled === true).map((u) => u.name);
    expect(enabled.sort()).toEqual(["containerd.service", "kubelet.service", "rower-init.service", "rower.service"]);
  });

  it("writes every file and program the installed units read or run", () => {
    const units = [...files].filter(([path]) => path.startsWith("/etc/systemd/system/")).map(([, text]) => text);
    const needed = units
      .flatMap((text) => text.match(/(?<=^(?:EnvironmentFile|ExecStartPre|ExecStart)=[-+]?)\/\S+/gm) ?? [])
      .filter((path) => path.startsWith("/etc/") || path.startsWith("/opt/rower/"));
    expect(needed.length).toBeGreaterThan(0);
    for (const path of needed) expect([...files.keys()]).toContain(path);
  });

  it("carries a pods file only where it is meant to (the AWS example)", () => {
    expect(files.has(IGNITION_PODS_PATH)).toBe(ignition.startsWith("examples/aws/"));
  });
});

describe("the AWS example's Ignition", () => {
  it(`holds examples/aws/nginx-pod.yaml at ${IGNITION_PODS_PATH}`, () => {
    const files = ignitionFiles(JSON.parse(readRepoFile("examples/aws/flatcar-nginx.ign")) as IgnitionConfig);
    expect(files.get(IGNITION_PODS_PATH)).toBe(readRepoFile("examples/aws/nginx-pod.yaml"));
  });

});

describe("tools/render-butane.ts", () => {
  it("prints the same Ignition as the library when run as a command", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "tools/render-butane.ts", "cloud-config/flatcar.bu"], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(out).toBe(readRepoFile("cloud-config/flatcar.ign"));
  });
});
