import { describe, expect, it } from "vitest";
import { parseYaml, readRepoFile } from "./launch-material.js";
import { parseUnitFile } from "./unit-file.js";

const config = parseYaml(readRepoFile("deploy/kubelet/kubelet-config.yaml")) as Record<string, unknown>;
const CA_SCRIPT = "/opt/rower/bin/make-kubelet-pki";

function valueAt(source: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], source);
}

/**
 * What the kubelet's BuildAuthn makes of `authentication` without an API server
 * (cmd/kubelet/app/auth.go, then apiserver's DelegatingAuthenticatorConfig.New): webhook
 * authentication needs a client, x509 is an authenticator when a client CA file is set,
 * and with no authenticator only anonymous auth lets it start.
 */
function standaloneAuthentication(source: unknown): { starts: true; authenticators: string[] } | { starts: false; error: string } {
  if (valueAt(source, "authentication.webhook.enabled") === true) {
    return { starts: false, error: "no client provided, cannot use webhook authentication" };
  }
  const clientCAFile = valueAt(source, "authentication.x509.clientCAFile");
  const authenticators = typeof clientCAFile === "string" && clientCAFile !== "" ? ["x509"] : [];
  if (valueAt(source, "authentication.anonymous.enabled") === true) authenticators.push("anonymous");
  return authenticators.length > 0 ? { starts: true, authenticators } : { starts: false, error: "no authentication method configured" };
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
    { field: "authentication.x509.clientCAFile", value: "/etc/kubernetes/pki/kubelet-ca.crt" },
    { field: "tlsCertFile", value: "/etc/kubernetes/pki/kubelet.crt" },
    { field: "tlsPrivateKeyFile", value: "/etc/kubernetes/pki/kubelet.key" },
    { field: "authorization.mode", value: "AlwaysAllow" },
    { field: "cgroupDriver", value: "systemd" },
    { field: "containerRuntimeEndpoint", value: "unix:///run/containerd/containerd.sock" },
    { field: "address", value: "127.0.0.1" },
    { field: "healthzBindAddress", value: "127.0.0.1" },
    { field: "registerNode", value: false },
  ])("sets $field to $value", ({ field, value }) => {
    expect(valueAt(config, field)).toEqual(value);
  });

  it("gives the standalone kubelet an authenticator, and it is x509 only (nobody anonymous)", () => {
    expect(standaloneAuthentication(config)).toEqual({ starts: true, authenticators: ["x509"] });
  });

  // The model above must be able to say no, or the test before it proves nothing.
  it.each([
    {
      desc: "anonymous and webhook off, no client CA",
      authentication: { anonymous: { enabled: false }, webhook: { enabled: false } },
      expected: { starts: false, error: "no authentication method configured" },
    },
    {
      desc: "an empty client CA path",
      authentication: { anonymous: { enabled: false }, webhook: { enabled: false }, x509: { clientCAFile: "" } },
      expected: { starts: false, error: "no authentication method configured" },
    },
    {
      desc: "webhook on without an API server",
      authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: "/ca.crt" } },
      expected: { starts: false, error: "no client provided, cannot use webhook authentication" },
    },
    {
      desc: "anonymous on",
      authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
      expected: { starts: true, authenticators: ["anonymous"] },
    },
  ])("the start check refuses or accepts $desc", ({ authentication, expected }) => {
    expect(standaloneAuthentication({ authentication })).toEqual(expected);
  });

  it("has its PKI created by the kubelet unit and by rower-init before either runs", () => {
    const service = parseUnitFile(readRepoFile("deploy/systemd/kubelet.service")).get("Service");
    expect(service?.get("ExecStartPre")).toContain(CA_SCRIPT);
    for (const flavor of ["node", "docker", "podman"]) {
      const init = parseUnitFile(readRepoFile(`deploy/systemd/${flavor}/rower-init.service`)).get("Service");
      expect(init?.get("ExecStartPre")?.some((line) => line.replace(/^\+/, "") === CA_SCRIPT), flavor).toBe(true);
    }
    // The script writes the files this config names into the directory it defaults to.
    const script = readRepoFile("deploy/kubelet/make-kubelet-pki");
    expect(script).toContain("KUBELET_PKI_DIR:=/etc/kubernetes/pki}");
    for (const field of ["authentication.x509.clientCAFile", "tlsCertFile", "tlsPrivateKeyFile"]) {
      expect(String(valueAt(config, field)), field).toMatch(/^\/etc\/kubernetes\/pki\/(kubelet-ca\.crt|kubelet\.crt|kubelet\.key)$/);
      expect(script, field).toContain(String(valueAt(config, field)).split("/").pop());
    }
  });

  it("has rower read the kubelet with the files the script writes", () => {
    for (const flavor of ["node", "docker", "podman"]) {
      const unit = readRepoFile(`deploy/systemd/${flavor}/rower.service`);
      expect(unit, flavor).toContain("--kubelet https://127.0.0.1:10250 --kubelet-cert /etc/kubernetes/pki/rower/client.crt --kubelet-key /etc/kubernetes/pki/rower/client.key --kubelet-ca /etc/kubernetes/pki/kubelet-ca.crt");
    }
  });

  it("is the file the kubelet unit passes with --config", () => {
    expect(readRepoFile("deploy/systemd/kubelet.service")).toContain("--config=/etc/kubernetes/kubelet-config.yaml");
  });
});
