// ValidatePodCreate rules no fixture file can carry: fields kubectl 1.32's schema does not
// know yet (the fixtures double as its differential), and the field checks Go still makes on
// sources a static pod may not use at all (the static-pod rules refuse those too).
import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { checkPodSemantics } from "../../src/validate/semantics/check-pod.js";
import { triples } from "./fixture-pod.js";

const NODE = { nodeName: "n".repeat(63) };
const pod = (spec: Record<string, unknown>): V1Pod =>
  ({ metadata: { name: "p" }, spec: { containers: [{ name: "app", image: "busybox" }], ...spec } }) as V1Pod;
const withVolume = (volume: Record<string, unknown>): V1Pod => pod({ volumes: [{ name: "v", ...volume }] });

describe("fields newer than kubectl 1.32's schema", () => {
  const CASES: [desc: string, pod: V1Pod, expected: string[][]][] = [
    ["hostnameOverride is a DNS subdomain (HostnameOverride, beta since 1.35)", pod({ hostnameOverride: "Bad_Host" }),
      [["spec.hostnameOverride", "Invalid value", "spec.hostnameOverride.format"]]],
    ["hostnameOverride excludes setHostnameAsFQDN", pod({ hostnameOverride: "db.example.com", setHostnameAsFQDN: true }),
      [["spec.hostnameOverride", "Invalid value", "spec.hostnameOverride.fqdn"]]],
    ["a valid hostnameOverride", pod({ hostnameOverride: "db.example.com" }), []],
    ["a stop signal needs spec.os.name (validateContainerStopSignal)", pod({ containers: [{ name: "a", image: "x", lifecycle: { stopSignal: "SIGTERM" } }] }),
      [["spec.containers[0].lifecycle.stopSignal", "Forbidden", "container.lifecycle.stopSignal.os"]]],
    ["a Linux stop signal is a Linux signal name", pod({ os: { name: "linux" }, containers: [{ name: "a", image: "x", lifecycle: { stopSignal: "SIGFOO" } }] }),
      [["spec.containers[0].lifecycle.stopSignal", "Unsupported value", "container.lifecycle.stopSignal.unsupported"]]],
    ["Windows stops with SIGKILL or SIGTERM only", pod({ os: { name: "windows" }, containers: [{ name: "a", image: "x", lifecycle: { stopSignal: "SIGQUIT" } }] }),
      [["spec.containers[0].lifecycle.stopSignal", "Unsupported value", "container.lifecycle.stopSignal.unsupported"]]],
    ["a sidecar's stop signal is checked too", pod({ os: { name: "linux" }, initContainers: [{ name: "s", image: "x", restartPolicy: "Always", lifecycle: { stopSignal: "SIGRTMAX-15" } }] }),
      [["spec.initContainers[0].lifecycle.stopSignal", "Unsupported value", "container.lifecycle.stopSignal.unsupported"]]],
    ["valid stop signals", pod({ os: { name: "linux" }, containers: [{ name: "a", image: "x", lifecycle: { stopSignal: "SIGRTMIN+15" } }, { name: "b", image: "x", lifecycle: { stopSignal: "SIGQUIT" } }] }), []],
    ["pods may limit pids at pod level (1.36)", pod({ resources: { limits: { pids: "2048" } } }), []],
    ["pod-level resources are cpu, memory, pids or hugepages", pod({ resources: { limits: { "ephemeral-storage": "1Gi" } } }),
      [["spec.resources.limits[ephemeral-storage]", "Unsupported value", "spec.resources.name.podLevel"]]],
    ["pod requests cover what the containers request together", pod({
      resources: { requests: { cpu: "1" } },
      containers: [{ name: "a", image: "x", resources: { requests: { cpu: "600m" } } }, { name: "b", image: "x", resources: { requests: { cpu: "600m" } } }],
    }), [["spec.resources.requests[cpu]", "Invalid value", "spec.resources.requests.belowContainers"]]],
  ];
  it.each(CASES)("%s", (_desc, input, expected) => {
    expect(triples(checkPodSemantics(input, NODE))).toEqual(expected);
  });
});

describe("rules whose fixtures live here", () => {
  const CASES: [desc: string, pod: V1Pod, expected: string[][]][] = [
    ["an image volume's empty pull policy is defaulted (SetDefaults_ImageVolumeSource)", withVolume({ image: { reference: "busybox:1.36", pullPolicy: "" } }), []],
    ["hugepages need cpu or memory beside them", pod({ containers: [{ name: "app", image: "x", resources: { limits: { "hugepages-2Mi": "2Mi" } } }] }),
      [["spec.containers[0].resources", "Forbidden", "container.resources.hugePages.needsCpuOrMemory"]]],
    ["minDomains only with DoNotSchedule, and positive", pod({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway", minDomains: 0 }] }), [
      ["spec.topologySpreadConstraints[0].minDomains", "Invalid value", "spec.topologySpread.minDomains.whenUnsatisfiable"],
      ["spec.topologySpreadConstraints[0].minDomains", "Invalid value", "spec.topologySpread.minDomains.positive"],
    ]],
    ["node inclusion policies are Honor or Ignore", pod({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", nodeTaintsPolicy: "Maybe" }] }),
      [["spec.topologySpreadConstraints[0].nodeTaintsPolicy", "Unsupported value", "spec.topologySpread.nodeTaintsPolicy.unsupported"]]],
    ["pod-deletion-cost: no leading zeros (GetDeletionCostFromPodAnnotations)", { metadata: { name: "p", annotations: { "controller.kubernetes.io/pod-deletion-cost": "008" } }, spec: { containers: [{ name: "a", image: "x" }] } } as V1Pod,
      [["metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "Invalid value", "metadata.annotations.podDeletionCost"]]],
    ["pod-deletion-cost: no plus sign", { metadata: { name: "p", annotations: { "controller.kubernetes.io/pod-deletion-cost": "+10" } }, spec: { containers: [{ name: "a", image: "x" }] } } as V1Pod,
      [["metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "Invalid value", "metadata.annotations.podDeletionCost"]]],
    ["pod-deletion-cost: a negative int32 is fine", { metadata: { name: "p", annotations: { "controller.kubernetes.io/pod-deletion-cost": "-5" } }, spec: { containers: [{ name: "a", image: "x" }] } } as V1Pod, []],
    ["a field manager is printable (ValidateFieldManager)", { metadata: { name: "p", managedFields: [{ manager: "k\u00e9\u0007", operation: "Update" }] }, spec: { containers: [{ name: "a", image: "x" }] } } as V1Pod,
      [["metadata.managedFields[0].manager", "Invalid value", "metadata.managedFields.manager.unprintable"]]],
    ["a name ending in '-' is fine: the kubelet validates `<name>-<node>`", { metadata: { name: "web-" }, spec: { containers: [{ name: "a", image: "x" }] } } as V1Pod, []],
    ["a windows pod may not share the host's PIDs, securityContext or not (validateWindows)", pod({ os: { name: "windows" }, hostPID: true }),
      [["spec.hostPID", "Forbidden", "spec.os.windows.forbidden"]]],
    ["HTTP header names (IsHTTPHeaderName), reported on the list", pod({ containers: [{ name: "app", image: "x", readinessProbe: { httpGet: { port: 80, httpHeaders: [{ name: "Bad Header", value: "1" }] } } }] }),
      [["spec.containers[0].readinessProbe.httpGet.httpHeaders", "Invalid value", "probe.httpGet.header.name"]]],
  ];
  it.each(CASES)("%s", (_desc, input, expected) => {
    expect(triples(checkPodSemantics(input, NODE))).toEqual(expected);
  });
});

describe("Go's own checks on sources a static pod may not use", () => {
  const CASES: [desc: string, pod: V1Pod, expected: string[][]][] = [
    ["secret: a name and file modes", withVolume({ secret: { defaultMode: 0o1000, items: [{ key: "", path: "../x" }] } }), [
      ["spec.volumes[0].secret.secretName", "Required value", "volume.secret.secretName.required"],
      ["spec.volumes[0].secret.defaultMode", "Invalid value", "volume.mode.range"],
      ["spec.volumes[0].secret.items[0].key", "Required value", "volume.items.key.required"],
      ["spec.volumes[0].secret.items[0].path", "Invalid value", "volume.items.path.format"],
    ]],
    ["configMap: a name", withVolume({ configMap: {} }), [["spec.volumes[0].configMap.name", "Required value", "volume.configMap.name.required"]]],
    ["persistentVolumeClaim: a claim name", withVolume({ persistentVolumeClaim: { claimName: "" } }),
      [["spec.volumes[0].persistentVolumeClaim.claimName", "Required value", "volume.persistentVolumeClaim.claimName.required"]]],
    ["glusterfs: endpoints and path", withVolume({ glusterfs: { endpoints: "", path: "" } }), [
      ["spec.volumes[0].glusterfs.endpoints", "Required value", "volume.glusterfs.endpoints.required"],
      ["spec.volumes[0].glusterfs.path", "Required value", "volume.glusterfs.path.required"],
    ]],
    ["azureFile: secret and share names", withVolume({ azureFile: { secretName: "", shareName: "" } }), [
      ["spec.volumes[0].azureFile.secretName", "Required value", "volume.azureFile.secretName.required"],
      ["spec.volumes[0].azureFile.shareName", "Required value", "volume.azureFile.shareName.required"],
    ]],
    ["csi: a driver name; a secret name reported on csi.name", withVolume({ csi: { driver: "", nodePublishSecretRef: { name: "Bad" } } }), [
      ["spec.volumes[0].csi.driver", "Required value", "volume.csi.driver.required"],
      ["spec.volumes[0].csi.driver", "Invalid value", "volume.csi.driver.format"],
      ["spec.volumes[0].csi.name", "Invalid value", "volume.csi.secretRef.name.format"],
    ]],
    ["ephemeral: a claim template", withVolume({ ephemeral: {} }), [["spec.volumes[0].ephemeral.volumeClaimTemplate", "Required value", "volume.ephemeral.template.required"]]],
    ["scaleIO: gateway, system and volume name", withVolume({ scaleIO: { gateway: "", system: "", secretRef: { name: "s" } } }), [
      ["spec.volumes[0].scaleIO.gateway", "Required value", "volume.scaleIO.gateway.required"],
      ["spec.volumes[0].scaleIO.system", "Required value", "volume.scaleIO.system.required"],
      ["spec.volumes[0].scaleIO.volumeName", "Required value", "volume.scaleIO.volumeName.required"],
    ]],
    ["projected token: at least 10 minutes, and its path on the projected volume", withVolume({ projected: { sources: [{ serviceAccountToken: { path: "", expirationSeconds: 60 } }] } }), [
      ["spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", "Invalid value", "volume.projected.token.expiration.min"],
      ["spec.volumes[0].projected.path", "Required value", "volume.projected.token.path.required"],
    ]],
    ["iscsi: a long initiator-qualified name is reported on the volume name", withVolume({ iscsi: { targetPortal: `${"1".repeat(60)}:3260`, iqn: "iqn.2001-04.com.example:s", lun: 0, initiatorName: "iqn.2001-04.com.example:i" } }),
      [["spec.volumes[0].name", "Invalid value", "volume.iscsi.name.tooLong"]]],
  ];
  it.each(CASES)("%s", (_desc, input, expected) => {
    expect(triples(checkPodSemantics(input, NODE))).toEqual(expected);
  });
});
