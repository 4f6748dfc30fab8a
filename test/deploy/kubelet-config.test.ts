import { describe, expect, it } from "vitest";
import { parseYaml, readRepoFile } from "./launch-material.js";

const config = parseYaml(readRepoFile("deploy/kubelet/kubelet-config.yaml")) as Record<string, unknown>;

function valueAt(path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);
}

describe("deploy/kubelet/kubelet-config.yaml", () => {
  it("is a v1beta1 KubeletConfiguration", () => {
    expect({ apiVersion: config.apiVersion, kind: config.kind }).toEqual({
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
    });
  });

  // What standalone operation next to rower needs; docs/deploy.md explains each.
  it.each([
    { field: "staticPodPath", value: "/etc/kubernetes/manifests" },
    { field: "readOnlyPort", value: 0 },
    { field: "authentication.anonymous.enabled", value: false },
    { field: "authentication.webhook.enabled", value: false },
    { field: "authorization.mode", value: "AlwaysAllow" },
    { field: "cgroupDriver", value: "systemd" },
    { field: "containerRuntimeEndpoint", value: "unix:///run/containerd/containerd.sock" },
    { field: "address", value: "127.0.0.1" },
    { field: "healthzBindAddress", value: "127.0.0.1" },
    { field: "registerNode", value: false },
  ])("sets $field to $value", ({ field, value }) => {
    expect(valueAt(field)).toEqual(value);
  });

  it("trusts no client certificate authority, so AlwaysAllow authorizes nobody", () => {
    expect(valueAt("authentication.x509.clientCAFile")).toBeUndefined();
  });

  it("is the file the kubelet unit passes with --config", () => {
    expect(readRepoFile("deploy/systemd/kubelet.service")).toContain("--config=/etc/kubernetes/kubelet-config.yaml");
  });
});
