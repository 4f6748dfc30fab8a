import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CLOUD_CONFIG, parseYaml, readRepoFile } from "./launch-material.js";

interface CloudConfig {
  write_files: { path: string; permissions: string; owner: string; content: string; encoding?: string }[];
  coreos: { units: { name: string; command?: string; enable?: boolean; content?: string }[] };
}

const text = readRepoFile(CLOUD_CONFIG);
const config = parseYaml(text) as CloudConfig;
/** A written file as coreos-cloudinit writes it: gzip+base64 decoded. */
const decoded = (file: CloudConfig["write_files"][number] | undefined) =>
  file && {
    path: file.path, permissions: file.permissions, owner: file.owner,
    content: file.encoding === "gzip+base64" ? gunzipSync(Buffer.from(file.content, "base64")).toString("utf8") : file.content,
  };

describe(CLOUD_CONFIG, () => {
  it("is a cloud-config document coreos-cloudinit recognises", () => {
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expect(Object.keys(config).sort()).toEqual(["coreos", "write_files"]);
  });

  it.each([
    { path: "/etc/rower/rower.env", source: "deploy/rower.env", permissions: "0644" },
    { path: "/etc/kubernetes/kubelet.env", source: "deploy/kubelet/kubelet.env", permissions: "0644" },
    { path: "/etc/kubernetes/kubelet-config.yaml", source: "deploy/kubelet/kubelet-config.yaml", permissions: "0644" },
    { path: "/opt/rower/bin/fetch-kubelet", source: "deploy/kubelet/fetch-kubelet", permissions: "0755" },
    { path: "/opt/rower/bin/make-kubelet-pki", source: "deploy/kubelet/make-kubelet-pki", permissions: "0755" },
    { path: "/etc/kubernetes/credential-providers.env", source: "deploy/kubelet/credential-providers.env", permissions: "0644" },
    { path: "/etc/kubernetes/credential-providers.yaml", source: "deploy/kubelet/credential-providers.yaml", permissions: "0644" },
    { path: "/opt/rower/bin/fetch-credential-providers", source: "deploy/kubelet/fetch-credential-providers", permissions: "0755" },
  ])("writes $path, a copy of $source", ({ path, source, permissions }) => {
    const file = config.write_files.find((f) => f.path === path);
    expect(file?.encoding ?? "gzip+base64").toBe("gzip+base64");
    expect(decoded(file)).toEqual({ path, permissions, owner: "root", content: readRepoFile(source) });
  });

  it.each([
    { name: "rower-init.service", source: "deploy/systemd/docker/rower-init.service" },
    { name: "kubelet.service", source: "deploy/systemd/kubelet.service" },
    { name: "rower.service", source: "deploy/systemd/docker/rower.service" },
  ])("installs, enables and starts $name, a copy of $source", ({ name, source }) => {
    const unit = config.coreos.units.find((u) => u.name === name);
    expect(unit).toEqual({ name, enable: true, command: "start", content: readRepoFile(source) });
  });

  it("starts containerd, then rower-init before the kubelet and the daemon", () => {
    expect(config.coreos.units.map((u) => `${u.name} ${u.command ?? ""}`)).toEqual([
      "containerd.service start",
      "rower-init.service start",
      "kubelet.service start",
      "rower.service start",
    ]);
  });

  // coreos-cloudinit reads it as EC2 user-data too: at most 16 KB before base64. (The
  // pods never travel in it, unlike the AWS template's Ignition, which keeps 4 KiB free.)
  it("fits EC2's 16 KB user-data", () => {
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(16 * 1024);
  });

  it("writes every file the units need", () => {
    const written = new Set(config.write_files.map((f) => f.path));
    const needed = config.coreos.units
      .flatMap((u) => (u.content ?? "").match(/(?<=EnvironmentFile=|ExecStartPre=)\/\S+/g) ?? [])
      .filter((path) => path.startsWith("/etc/") || path.startsWith("/opt/rower/"));
    expect(needed.length).toBeGreaterThan(0);
    for (const path of needed) expect(written).toContain(path);
  });
});
