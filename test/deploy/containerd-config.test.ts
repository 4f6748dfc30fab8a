// deploy/containerd/config.toml, which Fedora CoreOS's Ignition installs for the kubelet:
// containerd 2.x's config version 3 (docs/cri/config.md in containerd), CRI on, systemd
// cgroups, and the socket kubelet-config.yaml names. Parsed as TOML, checked key by key.
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { type IgnitionConfig, ignitionFiles, parseYaml, readRepoFile } from "./launch-material.js";

const SOURCE = "deploy/containerd/config.toml";
const CRI_GRPC = "io.containerd.grpc.v1.cri";
const CRI_RUNTIME = "io.containerd.cri.v1.runtime";

type Table = Record<string, unknown>;
const table = (value: unknown): Table => (typeof value === "object" && value !== null ? (value as Table) : {});

/** What the kubelet relies on in a containerd 2.x config; empty when all is there. */
function containerdProblems(text: string, kubelet: { socket: string; cgroupDriver: string }): string[] {
  let config: Table;
  try {
    config = parse(text) as Table;
  } catch (err) {
    return [`not TOML: ${(err as Error).message.split("\n")[0]}`];
  }
  const problems: string[] = [];
  if (config.version !== 3) problems.push(`version is ${String(config.version)}, containerd 2.x's is 3`);
  const disabled = (config.disabled_plugins ?? []) as string[];
  if (disabled.some((p) => p === "cri" || p === CRI_GRPC || p.startsWith("io.containerd.cri."))) problems.push("CRI is disabled");
  if (!((config.required_plugins ?? []) as string[]).includes(CRI_GRPC)) problems.push(`${CRI_GRPC} is not required`);
  const address = table(config.grpc).address;
  if (address !== kubelet.socket) problems.push(`grpc.address ${String(address)} is not the kubelet's ${kubelet.socket}`);
  const runc = table(table(table(table(table(config.plugins)[CRI_RUNTIME]).containerd).runtimes).runc);
  if (runc.runtime_type !== "io.containerd.runc.v2") problems.push("runc is not io.containerd.runc.v2");
  const systemd = table(runc.options).SystemdCgroup === true;
  if (systemd !== (kubelet.cgroupDriver === "systemd")) problems.push(`SystemdCgroup ${String(systemd)} disagrees with the kubelet's ${kubelet.cgroupDriver}`);
  return problems;
}

const kubeletConfig = parseYaml(readRepoFile("deploy/kubelet/kubelet-config.yaml")) as { containerRuntimeEndpoint: string; cgroupDriver: string };
const kubelet = { socket: kubeletConfig.containerRuntimeEndpoint.replace(/^unix:\/\//, ""), cgroupDriver: kubeletConfig.cgroupDriver };

describe(SOURCE, () => {
  it("gives the kubelet CRI, systemd cgroups and its socket, in containerd 2.x's format", () => {
    expect(containerdProblems(readRepoFile(SOURCE), kubelet)).toEqual([]);
  });

  it("is what Fedora CoreOS's Ignition writes, replacing the image's file", () => {
    const fcos = JSON.parse(readRepoFile("cloud-config/fcos.ign")) as IgnitionConfig;
    expect(fcos.storage?.files?.find((f) => f.path === "/etc/containerd/config.toml")?.overwrite).toBe(true);
    expect(ignitionFiles(fcos).get("/etc/containerd/config.toml")).toBe(readRepoFile(SOURCE));
  });

  // The check must be able to say no, or the test above proves nothing.
  it.each([
    { desc: "a containerd 1.x (version 2) config", edit: (t: string) => t.replace("version = 3", "version = 2"), problem: "version is 2, containerd 2.x's is 3" },
    { desc: "CRI disabled", edit: (t: string) => t.replace("disabled_plugins = []", 'disabled_plugins = ["cri"]'), problem: "CRI is disabled" },
    { desc: "another socket", edit: (t: string) => t.replace('address = "/run/containerd/containerd.sock"', 'address = "/run/other.sock"'), problem: "grpc.address /run/other.sock is not the kubelet's /run/containerd/containerd.sock" },
    { desc: "cgroupfs", edit: (t: string) => t.replace("SystemdCgroup = true", "SystemdCgroup = false"), problem: "SystemdCgroup false disagrees with the kubelet's systemd" },
    { desc: "version 2 plugin keys", edit: (t: string) => t.replaceAll(`'${CRI_RUNTIME}'`, `"${CRI_GRPC}"`), problem: "runc is not io.containerd.runc.v2" },
  ])("refuses $desc", ({ edit, problem }) => {
    const edited = edit(readRepoFile(SOURCE));
    expect(edited).not.toBe(readRepoFile(SOURCE));
    expect(containerdProblems(edited, kubelet)).toContain(problem);
  });
});
