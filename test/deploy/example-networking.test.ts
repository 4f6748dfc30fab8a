import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { CLOUDFORMATION, listRepoFiles, parseYamlDocuments, readRepoFile } from "./launch-material.js";

// The local tour `npm start` serves; it never reaches a VM built by the launch material.
const LOCAL_ONLY = "examples/pods.yaml";
// Examples meant to run beside another example on one VM; the rest are alternative
// hello-world pods (all nginx on port 80) and may share ports with each other.
const ADD_ONS = ["examples/sidecar.yaml", "examples/volumes.yaml"];

interface ExamplePod {
  file: string;
  name: string;
  pod: V1Pod;
}

function examplePods(): ExamplePod[] {
  return listRepoFiles("examples")
    .filter((path) => /\.ya?ml$/.test(path) && path !== CLOUDFORMATION)
    .flatMap((file) =>
      parseYamlDocuments(readRepoFile(file))
        .filter((doc): doc is V1Pod => typeof doc === "object" && doc !== null)
        .map((pod) => ({ file, name: pod.metadata?.name ?? "", pod })),
    );
}

/** The host ports a pod takes: every containerPort on the host network, and hostPorts. */
function hostPortsOf(pod: V1Pod): number[] {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return containers.flatMap((c) =>
    (c.ports ?? []).flatMap((p) => (pod.spec?.hostNetwork === true ? [p.containerPort] : p.hostPort === undefined ? [] : [p.hostPort])),
  );
}

const pods = examplePods();
const vmPods = pods.filter((p) => p.file !== LOCAL_ONLY);

describe("example pods on the launch material's VMs (no CNI plugin)", () => {
  it("finds the examples, add-ons included", () => {
    expect(vmPods.map((p) => p.file)).toEqual(expect.arrayContaining(ADD_ONS));
  });

  // Without a CNI plugin the kubelet starts no pod on the pod network.
  it.each(vmPods.map(({ file, name, pod }) => ({ file, name, hostNetwork: pod.spec?.hostNetwork })))(
    "$file: $name is on the host network",
    ({ hostNetwork }) => {
      expect(hostNetwork).toBe(true);
    },
  );

  it.each(ADD_ONS)("%s takes no host port another example uses", (addOn) => {
    const own = new Set(pods.filter((p) => p.file === addOn).flatMap((p) => hostPortsOf(p.pod)));
    const clashes = pods
      .filter((p) => p.file !== addOn)
      .flatMap((p) => hostPortsOf(p.pod).filter((port) => own.has(port)).map((port) => ({ file: p.file, name: p.name, port })));
    expect(clashes).toEqual([]);
  });

  it("the port check sees a host-network nginx on 80 (the check can fail)", () => {
    const nginx = pods.find((p) => p.file === "examples/nginx.yaml");
    expect(nginx && hostPortsOf(nginx.pod)).toEqual([80]);
  });

  it("the sidecar example's nginx listens on the port it declares", () => {
    const sidecar = pods.find((p) => p.file === "examples/sidecar.yaml");
    const ports = sidecar ? hostPortsOf(sidecar.pod) : [];
    expect(ports).toEqual([8081]);
    expect(readRepoFile("examples/sidecar.yaml")).toContain(`listen ${String(ports[0])};`);
  });
});
