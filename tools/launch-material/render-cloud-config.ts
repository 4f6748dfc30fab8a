// Builds cloud-config/cloud-config.yaml from the files in deploy/, so the legacy
// cloud-config never drifts from the units and configs the Ignition configs install.
import { gzipSync } from "node:zlib";
import type { ReadLocalFile } from "../butane/render-butane-config.js";

const HEADER = `#cloud-config
# CoreOS cloud-config (legacy, still read by coreos-cloudinit on some images; Flatcar
# and Fedora CoreOS take Ignition: use flatcar.bu / fcos.bu there). Starts a standalone
# kubelet fed by rower, running as a container through docker. The files and units
# below are copies of deploy/ (a test keeps them equal; the larger files gzipped, as
# encoding: gzip+base64, to fit EC2's 16 KB user-data); the pods come from instance
# metadata (GCE attribute kube-pods, EC2 tag kube-pods, Azure userData).
# Regenerate with: node --import tsx tools/render-launch-material.ts
`;

const FILES = [
  { path: "/etc/rower/rower.env", permissions: "0644", source: "deploy/rower.env" },
  { path: "/etc/kubernetes/kubelet.env", permissions: "0644", source: "deploy/kubelet/kubelet.env" },
  { path: "/etc/kubernetes/kubelet-config.yaml", permissions: "0644", source: "deploy/kubelet/kubelet-config.yaml" },
  { path: "/opt/rower/bin/fetch-kubelet", permissions: "0755", source: "deploy/kubelet/fetch-kubelet" },
  { path: "/opt/rower/bin/make-kubelet-pki", permissions: "0755", source: "deploy/kubelet/make-kubelet-pki" },
  { path: "/etc/kubernetes/credential-providers.env", permissions: "0644", source: "deploy/kubelet/credential-providers.env" },
  { path: "/etc/kubernetes/credential-providers.yaml", permissions: "0644", source: "deploy/kubelet/credential-providers.yaml" },
  { path: "/opt/rower/bin/fetch-credential-providers", permissions: "0755", source: "deploy/kubelet/fetch-credential-providers" },
];

// Started in this order by coreos-cloudinit; the units' own Before/After agree.
const UNITS = [
  { name: "rower-init.service", source: "deploy/systemd/docker/rower-init.service" },
  { name: "kubelet.service", source: "deploy/systemd/kubelet.service" },
  { name: "rower.service", source: "deploy/systemd/docker/rower.service" },
];

export type CloudConfigResult = { ok: true; text: string } | { ok: false; errors: string[] };

export function renderCloudConfig(readLocal: ReadLocalFile): CloudConfigResult {
  const errors: string[] = [];
  const block = (source: string, indent: number): string => {
    const bytes = readLocal(source);
    if (!bytes) {
      errors.push(`${source}: not found`);
      return "";
    }
    const text = Buffer.from(bytes).toString("utf8");
    // A literal block scalar keeps exactly one final newline ("clip").
    if (!text.endsWith("\n") || text.endsWith("\n\n")) errors.push(`${source}: must end with exactly one newline`);
    const pad = " ".repeat(indent);
    return text
      .slice(0, -1)
      .split("\n")
      .map((line) => (line === "" ? "" : pad + line))
      .join("\n")
      .concat("\n");
  };

  let text = `${HEADER}write_files:\n`;
  for (const file of FILES) {
    text += `  - path: ${file.path}\n    permissions: "${file.permissions}"\n    owner: root\n`;
    const plain = `    content: |\n${block(file.source, 6)}`;
    // Like the Ignition configs: gzip when shorter, so the whole fits EC2's 16 KB user-data.
    const gzipped = `    encoding: gzip+base64\n    content: ${gzipSync(readLocal(file.source) ?? new Uint8Array(), { level: 9 }).toString("base64")}\n`;
    text += gzipped.length < plain.length ? gzipped : plain;
  }
  text += "coreos:\n  units:\n";
  text += "    # The kubelet's container runtime (CRI socket /run/containerd/containerd.sock).\n";
  text += "    - name: containerd.service\n      command: start\n";
  text += "    # rower run --once: the first pods are on disk before the kubelet starts.\n";
  for (const unit of UNITS) {
    text += `    - name: ${unit.name}\n      enable: true\n      command: start\n      content: |\n`;
    text += block(unit.source, 8);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, text };
}
