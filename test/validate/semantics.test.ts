// Layer 2 (API-server semantics): every invalid fixture yields exactly the listed
// {field, type, rule} set and nothing from the schema or static-pod layers; valid fixtures
// yield nothing from any layer.
import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { checkSchema } from "../../src/validate/schema/check-schema.js";
import { checkPodSemantics } from "../../src/validate/semantics/check-pod.js";
import { checkStaticPodRules } from "../../src/validate/static-pod/check-static-pod.js";
import { FIXTURES, readFixturePod, triples, type Case } from "./fixture-pod.js";

// `rower validate` assumes a 63-character node name (the longest host name label).
const NODE = { nodeName: "n".repeat(63) };


const INVALID: Case[] = [
  ["active-deadline-zero", [["spec.activeDeadlineSeconds", "Invalid value", "spec.activeDeadlineSeconds.range"]]],
  ["annotation-key-invalid", [["metadata.annotations", "Invalid value", "metadata.annotations.key"]]],
  ["container-claim-not-found", [["spec.containers[0].resources.claims[0]", "Not found", "container.resources.claim.notFound"]]],
  ["container-name-duplicate", [["spec.containers[1].name", "Duplicate value", "container.name.duplicate"]]],
  ["container-name-empty", [["spec.containers[0].name", "Required value", "container.name.required"]]],
  ["container-name-invalid", [["spec.containers[0].name", "Invalid value", "container.name.format"]]],
  ["container-restart-policy-unsupported", [["spec.containers[0].restartPolicy", "Unsupported value", "container.restartPolicy.unsupported"]]],
  ["containers-empty", [["spec.containers", "Required value", "spec.containers.required"]]],
  ["dns-nameserver-invalid", [["spec.dnsConfig.nameservers[0]", "Invalid value", "spec.dnsConfig.nameserver.ip"]]],
  ["dns-none-without-config", [["spec.dnsConfig", "Required value", "spec.dnsConfig.required"]]],
  ["dns-policy-unsupported", [["spec.dnsPolicy", "Unsupported value", "spec.dnsPolicy.unsupported"]]],
  ["dns-search-invalid", [["spec.dnsConfig.searches[1]", "Invalid value", "spec.dnsConfig.search.format"]]],
  ["empty-dir-size-limit-negative", [["spec.volumes[0].emptyDir.sizeLimit", "Forbidden", "volume.emptyDir.sizeLimit.negative"]]],
  ["env-field-ref-label-key-invalid", [["spec.containers[0].env[0].valueFrom.fieldRef", "Invalid value", "downwardAPI.fieldPath.key"]]],
  ["env-field-ref-not-convertible", [["spec.containers[0].env[0].valueFrom.fieldRef.fieldPath", "Invalid value", "downwardAPI.fieldPath.conversion"]]],
  ["env-field-ref-unsupported", [["spec.containers[0].env[0].valueFrom.fieldRef.fieldPath", "Unsupported value", "downwardAPI.fieldPath.unsupported"]]],
  ["env-name-empty", [["spec.containers[0].env[0].name", "Required value", "container.env.name.required"]]],
  ["env-name-invalid", [["spec.containers[0].env[0].name", "Invalid value", "container.env.name.format"]]],
  ["env-value-and-value-from", [["spec.containers[0].env[0].valueFrom", "Invalid value", "container.env.valueFrom.withValue"]]],
  ["env-value-from-empty", [["spec.containers[0].env[0].valueFrom", "Invalid value", "container.env.valueFrom.none"]]],
  ["host-network-port-mismatch", [["spec.containers[0].ports[0].hostPort", "Invalid value", "container.port.hostPort.hostNetwork"]]],
  ["host-path-backsteps", [["spec.volumes[0].hostPath.path", "Invalid value", "volume.hostPath.path.backsteps"]]],
  ["host-path-empty", [["spec.volumes[0].hostPath.path", "Required value", "volume.hostPath.path.required"]]],
  ["host-path-type-unsupported", [["spec.volumes[0].hostPath.type", "Unsupported value", "volume.hostPath.type.unsupported"]]],
  ["host-port-duplicate", [["spec.containers[1].ports[0].hostPort", "Duplicate value", "container.port.hostPort.duplicate"]]],
  ["host-port-out-of-range", [["spec.containers[0].ports[0].hostPort", "Invalid value", "container.port.hostPort.range"]]],
  ["host-users-with-host-network", [["spec.hostNetwork", "Forbidden", "spec.hostUsers.hostNamespace"]]],
  ["hostname-invalid", [["spec.hostname", "Invalid value", "spec.hostname.format"]]],
  ["image-missing", [["spec.containers[0].image", "Required value", "container.image.required"]]],
  ["image-pull-policy-unsupported", [["spec.containers[0].imagePullPolicy", "Unsupported value", "container.imagePullPolicy.unsupported"]]],
  ["image-whitespace", [["spec.containers[0].image", "Invalid value", "container.image.whitespace"]]],
  ["init-container-name-clash", [["spec.initContainers[0].name", "Duplicate value", "container.name.duplicate"]]],
  ["init-lifecycle-forbidden", [["spec.initContainers[0].lifecycle", "Forbidden", "initContainer.lifecycle.forbidden"]]],
  ["init-probe-forbidden", [["spec.initContainers[0].readinessProbe", "Forbidden", "initContainer.probe.forbidden"]]],
  ["init-restart-policy-unsupported", [["spec.initContainers[0].restartPolicy", "Unsupported value", "container.restartPolicy.unsupported"]]],
  ["label-key-invalid", [["metadata.labels", "Invalid value", "metadata.labels.key"]]],
  ["label-selector-in-without-values", [["spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].values", "Required value", "labelSelector.requirement.values.required"]]],
  ["label-value-invalid", [["metadata.labels", "Invalid value", "metadata.labels.value"]]],
  ["lifecycle-sleep-beyond-grace", [["spec.containers[0].lifecycle.preStop.sleep", "Invalid value", "lifecycle.sleep.seconds"]]],
  ["mount-not-found", [["spec.containers[0].volumeMounts[0].name", "Not found", "container.volumeMount.name.notFound"]]],
  ["mount-path-duplicate", [["spec.containers[0].volumeMounts[1].mountPath", "Invalid value", "container.volumeMount.mountPath.duplicate"]]],
  ["mount-propagation-unprivileged", [["spec.containers[0].volumeMounts.mountPropagation", "Forbidden", "container.volumeMount.mountPropagation.privileged"]]],
  ["mount-sub-path-absolute", [["spec.containers[0].volumeMounts.subPath", "Invalid value", "container.volumeMount.subPath.format"]]],
  ["name-empty", [["metadata.name", "Required value", "metadata.name.required"]]],
  ["name-too-long-for-node", [["metadata.name", "Invalid value", "metadata.name.tooLongForNode"]]],
  ["name-uppercase", [["metadata.name", "Invalid value", "metadata.name.format"]]],
  ["namespace-invalid", [["metadata.namespace", "Invalid value", "metadata.namespace.format"]]],
  ["node-affinity-exists-with-values", [["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values", "Forbidden", "nodeSelector.requirement.values.forbidden"]]],
  ["node-affinity-operator-invalid", [["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator", "Invalid value", "nodeSelector.requirement.operator"]]],
  ["node-selector-invalid", [["spec.nodeSelector", "Invalid value", "spec.nodeSelector.key"]]],
  ["pod-affinity-weight-out-of-range", [["spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight", "Invalid value", "affinity.weight"]]],
  ["pod-deletion-cost-invalid", [["metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "Invalid value", "metadata.annotations.podDeletionCost"]]],
  ["port-name-duplicate", [["spec.containers[0].ports[1].name", "Duplicate value", "container.port.name.duplicate"]]],
  ["port-name-invalid", [["spec.containers[0].ports[0].name", "Invalid value", "container.port.name.format"]]],
  ["port-out-of-range", [["spec.containers[0].ports[0].containerPort", "Invalid value", "container.port.containerPort.range"]]],
  ["port-protocol-unsupported", [["spec.containers[0].ports[0].protocol", "Unsupported value", "container.port.protocol.unsupported"]]],
  ["port-zero", [["spec.containers[0].ports[0].containerPort", "Required value", "container.port.containerPort.required"]]],
  ["priority-class-name-invalid", [["spec.priorityClassName", "Invalid value", "spec.priorityClassName.format"]]],
  ["privilege-escalation-conflict", [["spec.containers[0].securityContext", "Invalid value", "securityContext.privilegeEscalation.privileged"]]],
  ["probe-no-handler", [["spec.containers[0].livenessProbe", "Required value", "probe.handler.required"]]],
  ["probe-port-name-invalid", [["spec.containers[0].readinessProbe.httpGet.port", "Invalid value", "probe.httpGet.port"]]],
  ["probe-scheme-unsupported", [["spec.containers[0].readinessProbe.httpGet.scheme", "Unsupported value", "probe.httpGet.scheme.unsupported"]]],
  ["probe-success-threshold", [["spec.containers[0].livenessProbe.successThreshold", "Invalid value", "probe.successThreshold"]]],
  ["probe-two-handlers", [["spec.containers[0].livenessProbe.tcpSocket", "Forbidden", "probe.handler.many"]]],
  ["readiness-probe-grace-period", [["spec.containers[0].readinessProbe.terminationGracePeriodSeconds", "Invalid value", "probe.terminationGracePeriodSeconds.readiness"]]],
  ["resize-policy-unsupported", [["spec.containers[0].resizePolicy", "Unsupported value", "container.resizePolicy.resourceName.unsupported"]]],
  // Requests default to limits (SetDefaults_Pod), so Go reports the requests too.
  ["resources-name-invalid", [
    ["spec.containers[0].resources.limits[gpu]", "Invalid value", "container.resources.name.standard"], ["spec.containers[0].resources.limits[gpu]", "Invalid value", "container.resources.name.container"],
    ["spec.containers[0].resources.requests[gpu]", "Invalid value", "container.resources.name.standard"], ["spec.containers[0].resources.requests[gpu]", "Invalid value", "container.resources.name.container"],
  ]],
  ["resources-negative", [["spec.containers[0].resources.limits[memory]", "Invalid value", "container.resources.negative"], ["spec.containers[0].resources.requests[memory]", "Invalid value", "container.resources.negative"]]],
  ["resources-request-above-limit", [["spec.containers[0].resources.requests", "Invalid value", "container.resources.request.aboveLimit"]]],
  ["restart-policy-unsupported", [["spec.restartPolicy", "Unsupported value", "spec.restartPolicy.unsupported"]]],
  ["run-as-user-negative", [["spec.securityContext.runAsUser", "Invalid value", "securityContext.runAsUser.range"]]],
  ["seccomp-localhost-without-profile", [["spec.securityContext.seccompProfile.localhostProfile", "Required value", "securityContext.seccompProfile.localhostProfile.required"]]],
  ["sysctl-name-invalid", [["spec.securityContext.sysctls[0].name", "Invalid value", "securityContext.sysctl.name.format"]]],
  ["termination-message-policy-unsupported", [["spec.containers[0].terminationMessagePolicy", "Unsupported value", "container.terminationMessagePolicy.unsupported"]]],
  ["toleration-empty-key-equal", [["spec.tolerations[0].operator", "Invalid value", "toleration.operator.emptyKey"]]],
  ["toleration-exists-with-value", [["spec.tolerations[0].operator", "Invalid value", "toleration.value.withExists"]]],
  ["toleration-operator-unsupported", [["spec.tolerations[0].operator", "Unsupported value", "toleration.operator.unsupported"]]],
  ["toleration-seconds-without-no-execute", [["spec.tolerations[0].effect", "Invalid value", "toleration.effect.tolerationSeconds"]]],
  ["topology-spread-duplicate", [["spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}", "Duplicate value", "spec.topologySpread.duplicate"]]],
  ["topology-spread-max-skew-zero", [["spec.topologySpreadConstraints[0].maxSkew", "Invalid value", "spec.topologySpread.maxSkew"]]],
  ["volume-name-duplicate", [["spec.volumes[1].name", "Duplicate value", "volume.name.duplicate"]]],
  ["volume-name-invalid", [["spec.volumes[0].name", "Invalid value", "volume.name.format"]]],
  // Go checks emptyDir before hostPath, so the hostPath is the extra one.
  ["volume-two-sources", [["spec.volumes[0].hostPath", "Forbidden", "volume.source.many"]]],
  // Rules the issue-10 audit of ValidatePodCreate (1.36) added; paths as Go prints them.
  ["apparmor-annotation-localhost-path", [["metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]","Invalid value","metadata.annotations.apparmor.format"]]],
  ["apparmor-annotation-unknown-container", [["metadata.annotations[container.apparmor.security.beta.kubernetes.io/other]","Invalid value","metadata.annotations.apparmor.container"]]],
  ["apparmor-localhost-missing", [["spec.securityContext.appArmorProfile.localhostProfile","Required value","securityContext.appArmorProfile.localhostProfile.required"]]],
  ["apparmor-localhost-padded", [["spec.securityContext.appArmorProfile.localhostProfile","Invalid value","securityContext.appArmorProfile.localhostProfile.whitespace"]]],
  ["aws-ebs-partition", [["spec.volumes[0].awsElasticBlockStore.partition","Invalid value","volume.awsElasticBlockStore.partition.range"]]],
  ["azure-disk-kind-unsupported", [["spec.volumes[0].azureDisk.kind","Unsupported value","volume.azureDisk.kind.unsupported"]]],
  ["cephfs-second-source", [["spec.volumes[0].cephFS","Forbidden","volume.source.many"]]],
  ["divisor-cpu-unsupported", [["spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor","Invalid value","downwardAPI.divisor"]]],
  ["divisor-memory-decimal", [["spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor","Invalid value","downwardAPI.divisor"]]],
  ["downward-api-volume-item-path", [["spec.volumes[0].downwardAPI.path","Invalid value","volume.items.path.format"]]],
  ["fc-no-target", [["spec.volumes[0].fc.targetWWNs","Required value","volume.fc.target.required"]]],
  ["finalizer-not-qualified", [["metadata.finalizers[0]","Invalid value","metadata.finalizers.standard"]]],
  ["flex-reserved-option", [["spec.volumes[0].flexVolume.options[kubernetes.io/secret]","Invalid value","volume.flexVolume.options.reserved"]]],
  ["gce-pd-partition", [["spec.volumes[0].persistentDisk.pdName","Required value","volume.gcePersistentDisk.pdName.required"],["spec.volumes[0].persistentDisk.partition","Invalid value","volume.gcePersistentDisk.partition.range"]]],
  ["hugepages-not-multiple", [["spec.containers[0].resources.limits[hugepages-2Mi]","Invalid value","container.resources.hugePages.multiple"],["spec.containers[0].resources.requests[hugepages-2Mi]","Invalid value","container.resources.hugePages.multiple"]]],
  ["iscsi-initiator-format", [["spec.volumes[0].iscsi.initiatorname","Invalid value","volume.iscsi.initiatorName.format"]]],
  ["linux-windows-options", [["spec.containers[0].securityContext.windowsOptions","Forbidden","spec.os.linux.windowsOptions"]]],
  ["nfs-path-relative", [["spec.volumes[0].nfs.path","Invalid value","volume.nfs.path.absolute"]]],
  ["node-affinity-required-value", [["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]","Invalid value","nodeSelector.requirement.value"]]],
  ["os-name-unsupported", [["spec.os","Unsupported value","spec.os.name.unsupported"]]],
  ["pod-affinity-key-in-mismatch", [["spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys[0]","Invalid value","matchLabelKeys.inMismatch"]]],
  ["pod-resources-below-containers", [["spec.resources.requests","Invalid value","container.resources.request.aboveLimit"],["spec.resources.containers[0][cpu].limits","Invalid value","spec.resources.limits.belowContainer"]]],
  ["proc-mount-unmasked-host-users", [["spec.containers[0].securityContext.procMount","Invalid value","securityContext.procMount.hostUsers"]]],
  ["rbd-no-monitors", [["spec.volumes[0].rbd.monitors","Required value","volume.rbd.monitors.required"],["spec.volumes[0].rbd.image","Required value","volume.rbd.image.required"]]],
  ["seccomp-annotation-field-mismatch", [["spec.securityContext.seccompProfile.type","Forbidden","seccomp.annotationMismatch"]]],
  ["seccomp-annotation-invalid", [["metadata.annotations.seccomp.security.alpha.kubernetes.io/pod","Invalid value","metadata.annotations.seccomp.format"]]],
  ["seccomp-localhost-backsteps", [["spec.securityContext.seccompProfile.localhostProfile","Invalid value","securityContext.seccompProfile.localhostProfile.format"]]],
  ["share-process-namespace-host-pid", [["spec.securityContext.shareProcessNamespace","Invalid value","spec.shareProcessNamespace.hostPID"]]],
  ["sysctl-net-host-network", [["spec.securityContext.sysctls[0].name","Invalid value","securityContext.sysctl.hostNetwork"]]],
  ["topology-spread-match-label-keys-format", [["spec.topologySpreadConstraints[0].matchLabelKeys[0]","Invalid value","matchLabelKeys.format"]]],
  ["volume-device-not-claim", [["spec.containers[0].volumeDevices[0].name","Invalid value","container.volumeDevice.name.notClaim"]]],
  ["windows-selinux-options", [["spec.securityContext.seLinuxOptions","Forbidden","spec.os.windows.forbidden"]]],
  ["apparmor-annotation-field-mismatch", [["spec.containers[0].securityContext.appArmorProfile.type","Forbidden","apparmor.annotationMismatch"]]],
  ["azure-disk-managed-uri-default-kind", [["spec.volumes[0].azureDisk.diskURI","Unsupported value","volume.azureDisk.diskURI.blob"]]],
  ["cephfs-no-monitors", [["spec.volumes[0].cephfs.monitors","Required value","volume.cephfs.monitors.required"]]],
  ["cinder-no-volume-id", [["spec.volumes[0].cinder.volumeID","Required value","volume.cinder.volumeID.required"]]],
  ["container-name-empty-twice", [["spec.containers[0].name","Required value","container.name.required"],["spec.containers[1].name","Required value","container.name.required"],["spec.containers[1].name","Duplicate value","container.name.duplicate"]]],
  ["extended-resource-fraction", [["spec.containers[0].resources.limits[example.com/dongle]","Invalid value","container.resources.notInteger"],["spec.containers[0].resources.requests[example.com/dongle]","Invalid value","container.resources.notInteger"]]],
  ["finalizer-format", [["metadata.finalizers","Invalid value","metadata.finalizers.format"]]],
  ["managed-fields-operation", [["metadata.managedFields[0].operation","Invalid value","metadata.managedFields.operation"]]],
  ["managed-fields-type", [
    ["metadata.managedFields[1].fieldsType","Invalid value","metadata.managedFields.fieldsType"],
    ["metadata.managedFields[2].manager","Too long","metadata.managedFields.manager.tooLong"],
  ]],
  ["flocker-no-dataset", [["spec.volumes[0].flocker","Required value","volume.flocker.dataset.required"]]],
  ["fs-group-change-policy-unsupported", [["spec.securityContext.fsGroupChangePolicy","Unsupported value","securityContext.fsGroupChangePolicy.unsupported"]]],
  ["generate-name-invalid", [["metadata.generateName","Invalid value","metadata.generateName.format"]]],
  ["generation-negative", [["metadata.generation","Invalid value","metadata.generation.negative"]]],
  ["git-repo-directory-absolute", [["spec.volumes[0].gitRepo.directory","Invalid value","volume.gitRepo.directory.format"]]],
  ["host-alias-invalid-ip", [["spec.hostAliases[0].ip","Invalid value","spec.hostAliases.ip"]]],
  ["host-process-without-host-network", [["spec.hostNetwork","Invalid value","spec.hostProcess.hostNetwork"]]],
  ["image-volume-no-reference", [["spec.volumes[0].image.reference","Required value","volume.image.reference.required"]]],
  ["match-fields-value-invalid", [["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]","Invalid value","nodeSelector.matchFields.value"]]],
  ["overhead-negative", [["spec.overhead.limits[cpu]","Invalid value","container.resources.negative"]]],
  ["owner-reference-incomplete", [["metadata.ownerReferences.uid","Invalid value","metadata.ownerReferences.uid"]]],
  ["photon-no-id", [["spec.volumes[0].photonPersistentDisk.pdID","Required value","volume.photonPersistentDisk.pdID.required"]]],
  ["portworx-no-id", [["spec.volumes[0].portworxVolume.volumeID","Required value","volume.portworxVolume.volumeID.required"]]],
  ["preemption-policy-empty", [["spec.preemptionPolicy","Required value","spec.preemptionPolicy.required"]]],
  ["proc-mount-unsupported", [["spec.containers[0].securityContext.procMount","Unsupported value","securityContext.procMount.unsupported"]]],
  ["projected-duplicate-paths", [["spec.volumes[0].projected","Invalid value","volume.projected.path.duplicate"]]],
  ["quobyte-registry-format", [["spec.volumes[0].quobyte.registry","Invalid value","volume.quobyte.registry.format"]]],
  ["readiness-gate-invalid", [["spec.readinessGates[0].conditionType","Invalid value","spec.readinessGates.conditionType"]]],
  ["recursive-read-only-not-read-only", [["spec.containers[0].volumeMounts.recursiveReadOnly","Forbidden","container.volumeMount.recursiveReadOnly.readOnly"]]],
  ["resource-field-ref-unsupported", [["spec.containers[0].env[0].valueFrom.resourceFieldRef.resource","Unsupported value","downwardAPI.resource.unsupported"]]],
  ["runtime-class-name-invalid", [["spec.runtimeClassName","Invalid value","spec.runtimeClassName.format"]]],
  ["selinux-change-policy-mount-option", [["spec.securityContext.seLinuxChangePolicy","Unsupported value","securityContext.seLinuxChangePolicy.unsupported"]]],
  ["storageos-volume-name", [["spec.volumes[0].storageos.volumeName","Invalid value","volume.storageos.volumeName.format"]]],
  ["supplemental-groups-policy-unsupported", [["spec.securityContext.supplementalGroupsPolicy","Unsupported value","securityContext.supplementalGroupsPolicy.unsupported"]]],
  ["tolerations-annotation-invalid", [["metadata.annotations.scheduler.alpha.kubernetes.io/tolerations[0].operator","Invalid value","toleration.operator.emptyKey"]]],
  ["topology-key-empty-affinity", [["spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey","Required value","affinity.pod.topologyKey.required"],["spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey","Invalid value","affinity.pod.topologyKey.format"],["spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey","Invalid value","affinity.pod.topologyKey.format"]]],
  ["vsphere-no-path", [["spec.volumes[0].vsphereVolume.volumePath","Required value","volume.vsphereVolume.volumePath.required"]]],
  ["windows-run-as-user-name", [["spec.securityContext.windowsOptions.runAsUserName","Invalid value","windowsOptions.runAsUserName"]]],
  ["create-ephemeral-containers", [["spec.ephemeralContainers", "Forbidden", "pod.create.ephemeralContainers"]]],
  ["create-scheduling-gates", [["spec.nodeName", "Forbidden", "pod.create.schedulingGates"]]],
];

describe("checkPodSemantics on invalid fixtures", () => {
  it.each(INVALID)("%s", (file, expected) => {
    const pod = readFixturePod(`invalid/${file}.yaml`);
    expect(triples(checkPodSemantics(pod, NODE))).toEqual(expected);
    expect(checkStaticPodRules(pod)).toEqual([]);
    // These fixtures test semantics: the schema layer must have nothing to say (unless named schema-*).
    if (!file.startsWith("schema-")) expect(checkSchema(pod)).toEqual([]);
  });

  it("covers every invalid fixture that is not a static-pod one", () => {
    const files = readdirSync(new URL("invalid/", FIXTURES)).filter((f) => !f.startsWith("static-")).map((f) => f.replace(/\.yaml$/, ""));
    expect(INVALID.map(([f]) => f).sort()).toEqual(files.sort());
  });
});

describe("checkPodSemantics on valid fixtures", () => {
  const files = readdirSync(new URL("valid/", FIXTURES)).filter((f) => f.endsWith(".yaml"));
  it.each(files)("%s has no errors", (file) => {
    const pod = readFixturePod(`valid/${file}`);
    expect(checkSchema(pod)).toEqual([]);
    expect(checkPodSemantics(pod, NODE)).toEqual([]);
    expect(checkStaticPodRules(pod)).toEqual([]);
  });
});

// The API server's wording, for the messages users see most.
const DETAILS: [file: string, detail: string][] = [
  ["name-uppercase", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
  ["container-name-invalid", "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
  ["port-out-of-range", "must be between 1 and 65535, inclusive"],
  ["restart-policy-unsupported", 'supported values: "Always", "OnFailure", "Never"'],
  ["host-network-port-mismatch", "must match `containerPort` when `hostNetwork` is true"],
  ["image-whitespace", "must not have leading or trailing whitespace"],
  ["volume-two-sources", "may not specify more than 1 volume type"],
  ["resources-request-above-limit", "must be less than or equal to cpu limit of 1"],
  ["env-name-invalid", "a valid environment variable name must consist only of printable ASCII characters other than '='"],
  ["init-probe-forbidden", "may not be set for init containers without restartPolicy=Always"],
  ["probe-two-handlers", "may not specify more than 1 handler type"],
  ["apparmor-localhost-missing", "must be set when AppArmor type is Localhost"],
  ["apparmor-localhost-padded", "must not be padded with whitespace"],
  ["proc-mount-unmasked-host-users", "`hostUsers` must be false to use `Unmasked`"],
  ["share-process-namespace-host-pid", "ShareProcessNamespace and HostPID cannot both be enabled"],
  ["divisor-cpu-unsupported", "only divisor's values 1m and 1 are supported with the cpu resource"],
  ["finalizer-not-qualified", "name is neither a standard finalizer name nor is it fully qualified"],
  ["managed-fields-operation", "must be `Apply` or `Update`"],
  ["cephfs-second-source", "may not specify more than 1 volume type"],
  ["create-scheduling-gates", "cannot be set until all schedulingGates have been cleared"],
];

describe("error details", () => {
  it.each(DETAILS)("%s", (file, detail) => {
    expect(checkPodSemantics(readFixturePod(`invalid/${file}.yaml`), NODE).map((e) => e.detail)).toEqual([detail]);
  });
});

const minimalPod = (name: string, extra: Record<string, unknown> = {}): V1Pod =>
  ({ apiVersion: "v1", kind: "Pod", metadata: { name, ...extra }, spec: { containers: [{ name: "app", image: "busybox" }] } }) as V1Pod;

describe("limits computed from the input", () => {
  it("accepts a name that fits 253 characters exactly with the node suffix, and refuses one more", () => {
    const fits = "a".repeat(253 - 64);
    expect(checkPodSemantics(minimalPod(fits), NODE)).toEqual([]);
    expect(triples(checkPodSemantics(minimalPod(`${fits}a`), NODE))).toEqual([["metadata.name", "Invalid value", "metadata.name.tooLongForNode"]]);
  });

  it("counts annotation keys and values against 256 KiB", () => {
    const at = (bytes: number): V1Pod => minimalPod("big", { annotations: { "example.com/blob": "x".repeat(bytes - "example.com/blob".length) } });
    expect(checkPodSemantics(at(262144), NODE)).toEqual([]);
    expect(checkPodSemantics(at(262145), NODE)).toEqual([
      { field: "metadata.annotations", type: "Too long", rule: "metadata.annotations.tooLong", detail: "may not be more than 262144 bytes" },
    ]);
  });

  it("reports every error, not the first", () => {
    const pod = { metadata: { name: "Bad" }, spec: { restartPolicy: "x", containers: [{ name: "A", image: "" }] } } as V1Pod;
    expect(triples(checkPodSemantics(pod, NODE))).toEqual([
      ["metadata.name", "Invalid value", "metadata.name.format"],
      ["spec.containers[0].name", "Invalid value", "container.name.format"],
      ["spec.containers[0].image", "Required value", "container.image.required"],
      ["spec.restartPolicy", "Unsupported value", "spec.restartPolicy.unsupported"],
    ]);
  });
});

// Fields newer than kubectl 1.32's schema, so they live here rather than in fixtures.
describe("fields added after 1.32: container restart rules, env files", () => {
  const withContainer = (container: Record<string, unknown>): V1Pod =>
    ({ metadata: { name: "p" }, spec: { containers: [{ name: "app", image: "busybox", ...container }] } }) as V1Pod;
  const CASES: [desc: string, container: Record<string, unknown>, expected: string[][]][] = [
    ["a regular container may override the pod's policy", { restartPolicy: "OnFailure" }, []],
    ["rules with a policy", { restartPolicy: "Never", restartPolicyRules: [{ action: "Restart", exitCodes: { operator: "In", values: [42] } }] }, []],
    ["rules need an explicit policy", { restartPolicyRules: [{ action: "Restart", exitCodes: { operator: "In", values: [42] } }] },
      [["spec.containers[0].restartPolicy", "Required value", "container.restartPolicy.requiredByRules"]]],
    ["a rule's action and operator are enums", { restartPolicy: "Never", restartPolicyRules: [{ action: "Stop", exitCodes: { operator: "Is", values: [1] } }] }, [
      ["spec.containers[0].restartPolicyRules[0].action", "Unsupported value", "container.restartPolicyRules.action.unsupported"],
      ["spec.containers[0].restartPolicyRules[0].exitCodes.operator", "Unsupported value", "container.restartPolicyRules.operator.unsupported"],
    ]],
    ["a rule needs exit codes", { restartPolicy: "Never", restartPolicyRules: [{ action: "Restart" }] },
      [["spec.containers[0].restartPolicyRules[0].exitCodes", "Required value", "container.restartPolicyRules.exitCodes.required"]]],
    ["an env var read from a file in an emptyDir (EnvFiles)", { env: [{ name: "TOKEN", valueFrom: { fileKeyRef: { volumeName: "cfg", path: "app.env", key: "TOKEN" } } }] }, []],
    ["an env file path stays inside its volume", { env: [{ name: "TOKEN", valueFrom: { fileKeyRef: { volumeName: "cfg", path: "env/../../app.env", key: "TOKEN" } } }] },
      [["spec.containers[0].env[0].valueFrom.fileKeyRef.path", "Invalid value", "container.env.fileKeyRef.path.format"]]],
    ["at most 20 rules", { restartPolicy: "Never", restartPolicyRules: Array.from({ length: 21 }, () => ({ action: "Restart", exitCodes: { operator: "In", values: [1] } })) },
      [["spec.containers[0].restartPolicyRules", "Too many", "container.restartPolicyRules.tooMany"]]],
  ];
  it.each(CASES)("%s", (_desc, container, expected) => {
    expect(triples(checkPodSemantics(withContainer(container), NODE))).toEqual(expected);
  });
});

describe("malformed input", () => {
  const MALFORMED: [desc: string, pod: unknown][] = [
    ["null", null],
    ["a string", "pod"],
    ["an array", []],
    ["null metadata and spec", { metadata: null, spec: null }],
    ["containers as a map", { metadata: { name: "a" }, spec: { containers: { app: {} } } }],
    ["containers holding nulls and numbers", { metadata: { name: "a" }, spec: { containers: [null, 3, "x"] } }],
    ["every field the wrong type", {
      metadata: { name: 5, namespace: [], labels: "x", annotations: 7 },
      spec: {
        containers: [{ name: 1, image: {}, ports: "80", env: { a: 1 }, volumeMounts: 3, resources: [], livenessProbe: "x", securityContext: 1 }],
        initContainers: "x", volumes: [{ name: [], hostPath: "x" }], tolerations: {}, dnsConfig: [], nodeSelector: [], securityContext: [],
      },
    }],
  ];
  it.each(MALFORMED)("does not throw on %s", (_desc, pod) => {
    expect(() => checkPodSemantics(pod as V1Pod, NODE)).not.toThrow();
    expect(() => checkStaticPodRules(pod as V1Pod)).not.toThrow();
  });

  const WRONG_TYPES: [desc: string, pod: unknown][] = [
    ["metadata as a string", { metadata: "web", spec: { containers: [{ name: "app", image: "busybox" }] } }],
    ["spec as a number", { metadata: { name: "web" }, spec: 5 }],
    ["containers as a map", { metadata: { name: "web" }, spec: { containers: { app: { image: "busybox" } } } }],
    ["a container name as a number", { metadata: { name: "web" }, spec: { containers: [{ name: 7, image: "busybox" }] } }],
  ];
  it.each(WRONG_TYPES)("leaves %s to the schema layer", (_desc, pod) => {
    expect(checkPodSemantics(pod as V1Pod, NODE)).toEqual([]);
  });

  it("never throws on arbitrary values spliced into any valid fixture", () => {
    const bases = readdirSync(new URL("valid/", FIXTURES)).filter((f) => f.endsWith(".yaml")).map((f) => readFixturePod(`valid/${f}`));
    const sites = bases.flatMap((base) => collectPaths(base).map((path) => ({ base, path })));
    fc.assert(fc.property(fc.constantFrom(...sites), fc.jsonValue(), ({ base, path }, value) => {
      const pod = structuredClone(base) as unknown;
      setAt(pod, path, value);
      checkPodSemantics(pod as V1Pod, NODE);
      checkStaticPodRules(pod as V1Pod);
    }), { numRuns: 2000 });
  });
});

describe("a scalar of the wrong type", () => {
  // The schema layer reports it; semantics must not add an error of its own on that field.
  it("adds no semantic error at its own path", () => {
    const bases = readdirSync(new URL("valid/", FIXTURES)).filter((f) => f.endsWith(".yaml")).map((f) => readFixturePod(`valid/${f}`));
    const sites = bases.flatMap((base) => collectPaths(base)
      .map((path) => ({ base, path, original: valueAt(base, path) }))
      .filter(({ original }) => ["string", "number", "boolean"].includes(typeof original)));
    // Ports of probes and handlers are int-or-string and quantities take numbers or strings:
    // for those only a boolean is the wrong type.
    const takesNumberOrString = (path: Key[]): boolean =>
      ["port", "sizeLimit", "divisor"].includes(String(path.at(-1))) || ["limits", "requests"].includes(String(path.at(-2)));
    const otherType = (original: unknown, path: Key[]): fc.Arbitrary<unknown> =>
      takesNumberOrString(path) ? fc.boolean()
        : typeof original === "string" ? fc.oneof(fc.integer(), fc.boolean())
          : fc.oneof(fc.string(), typeof original === "number" ? fc.boolean() : fc.integer());
    const cases = fc.constantFrom(...sites).chain((site) => otherType(site.original, site.path).map((value) => ({ ...site, value })));
    fc.assert(fc.property(cases, ({ base, path, value }) => {
      const pod = structuredClone(base) as unknown;
      setAt(pod, path, value);
      const field = fieldOf(path);
      expect(checkPodSemantics(pod as V1Pod, NODE).filter((e) => e.field === field)).toEqual([]);
    }), { numRuns: 2000 });
  });
});

type Key = string | number;

function valueAt(root: unknown, path: Key[]): unknown {
  let node = root;
  for (const key of path) node = (node as Record<Key, unknown>)[key];
  return node;
}

/** `["spec", "containers", 0, "image"]` → `spec.containers[0].image`. */
function fieldOf(path: Key[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

function collectPaths(value: unknown, prefix: Key[] = []): Key[][] {
  const out: Key[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...collectPaths(v, [...prefix, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...collectPaths(v, [...prefix, k]));
  return out.filter((p) => p.length > 0);
}

function setAt(root: unknown, path: Key[], value: unknown): void {
  let node = root as Record<Key, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<Key, unknown>;
  node[path[path.length - 1] as Key] = value;
}
