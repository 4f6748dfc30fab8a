// Layer 3 of validation: what a standalone kubelet refuses in a static pod. Since 1.34 the
// kubelet's PreventStaticPodAPIReferences gate (on by default) rejects any pod that
// references an API object (pkg/api/pod/util.go HasAPIObjectReference): with no API server
// there is nothing to read a Secret, ConfigMap, claim or token from. The kubelet names the
// first reference only; this names every one, each on its own field.
import type { V1Pod } from "@kubernetes/client-node";
import type { FieldError } from "../../errors/field-error.js";
import { forbidden } from "../../errors/field-error.js";
import { FieldPath } from "../../errors/field-path.js";
import { arrayOf, isSet, recordOf, stringOf } from "../semantics/read-json.js";
import type { JsonRecord } from "../semantics/read-json.js";
import { presentVolumeSources } from "../semantics/volume-sources.js";

const NO_API_SERVER = "a standalone kubelet has no API server to read them from";

/** The reason given for each kind of reference, as the kubelet words the resource. */
const REASONS = {
  serviceAccount: `static pods may not reference serviceaccounts: ${NO_API_SERVER}`,
  secret: `static pods may not reference secrets: ${NO_API_SERVER}`,
  imagePullSecret: `static pods may not reference secrets: ${NO_API_SERVER}; configure registry credentials on the node (kubelet credential provider or container runtime)`,
  configMap: `static pods may not reference configmaps: ${NO_API_SERVER}`,
  pvc: `static pods may not reference persistentvolumeclaims: ${NO_API_SERVER}`,
  ephemeralVolume: `static pods may not reference persistentvolumeclaims (via ephemeral volumes): ${NO_API_SERVER}`,
  csi: `static pods may not reference csidrivers (via CSI volumes): ${NO_API_SERVER}`,
  glusterfs: `static pods may not reference endpoints (via glusterFS volumes): ${NO_API_SERVER}`,
  azureFile: `static pods may not reference secrets (via azureFile volumes): ${NO_API_SERVER}`,
  serviceAccountToken: `static pods may not reference serviceaccounts (via projected volumes): ${NO_API_SERVER}`,
  clusterTrustBundle: `static pods may not reference clustertrustbundles: ${NO_API_SERVER}`,
  podCertificate: `static pods may not reference podcertificates: ${NO_API_SERVER}`,
  resourceClaims: `static pods may not reference resourceclaims: ${NO_API_SERVER}`,
} as const;

// Volume sources that only name a Secret through a `secretRef` (VisitPodSecretNames).
const SECRET_REF_VOLUMES: ReadonlySet<string> = new Set(["cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO", "storageos"]);

/** Volume sources that are a reference as a whole: source → [rule, reason]. */
const WHOLE_VOLUME_REFERENCES: ReadonlyMap<string, readonly [string, string]> = new Map([
  ["secret", ["staticPod.secretVolume", REASONS.secret]],
  ["configMap", ["staticPod.configMapVolume", REASONS.configMap]],
  ["persistentVolumeClaim", ["staticPod.persistentVolumeClaimVolume", REASONS.pvc]],
  ["ephemeral", ["staticPod.ephemeralVolume", REASONS.ephemeralVolume]],
  ["csi", ["staticPod.csiVolume", REASONS.csi]],
  ["glusterfs", ["staticPod.glusterfsVolume", REASONS.glusterfs]],
  ["azureFile", ["staticPod.azureFileVolume", REASONS.azureFile]],
]);

const PROJECTED_REFERENCES = [
  ["secret", "staticPod.projectedSecret", REASONS.secret],
  ["configMap", "staticPod.projectedConfigMap", REASONS.configMap],
  ["serviceAccountToken", "staticPod.projectedServiceAccountToken", REASONS.serviceAccountToken],
  ["clusterTrustBundle", "staticPod.projectedClusterTrustBundle", REASONS.clusterTrustBundle],
  ["podCertificate", "staticPod.projectedPodCertificate", REASONS.podCertificate],
] as const;

export function checkStaticPodRules(pod: V1Pod): FieldError[] {
  const spec = recordOf(recordOf(pod as unknown)?.["spec"]);
  if (!spec) return [];
  const path = FieldPath.root("spec");
  const errs: FieldError[] = [];
  // serviceAccount is the deprecated alias the API copies into serviceAccountName.
  for (const field of ["serviceAccountName", "serviceAccount"]) {
    if (stringOf(spec[field])) errs.push(forbidden(path.child(field), { rule: "staticPod.serviceAccount", detail: REASONS.serviceAccount }));
  }
  // VisitPodSecretNames skips empty names: `imagePullSecrets: [{}]` references nothing.
  if (arrayOf(spec["imagePullSecrets"]).some((r) => stringOf(recordOf(r)?.["name"]))) {
    errs.push(forbidden(path.child("imagePullSecrets"), { rule: "staticPod.imagePullSecrets", detail: REASONS.imagePullSecret }));
  }
  if (arrayOf(spec["resourceClaims"]).length > 0) {
    errs.push(forbidden(path.child("resourceClaims"), { rule: "staticPod.resourceClaims", detail: REASONS.resourceClaims }));
  }
  for (const list of ["initContainers", "containers"] as const) {
    arrayOf(spec[list]).forEach((c, i) => errs.push(...checkContainerReferences(recordOf(c), path.child(list).index(i))));
  }
  arrayOf(spec["volumes"]).forEach((v, i) => errs.push(...checkVolumeReferences(recordOf(v), path.child("volumes").index(i))));
  return errs;
}

function checkContainerReferences(container: JsonRecord | undefined, path: FieldPath): FieldError[] {
  if (!container) return [];
  const errs: FieldError[] = [];
  arrayOf(container["env"]).forEach((e, k) => {
    const from = recordOf(recordOf(e)?.["valueFrom"]);
    const at = path.child("env").index(k).child("valueFrom");
    if (isSet(from?.["secretKeyRef"])) errs.push(forbidden(at.child("secretKeyRef"), { rule: "staticPod.envSecretKeyRef", detail: REASONS.secret }));
    if (isSet(from?.["configMapKeyRef"])) errs.push(forbidden(at.child("configMapKeyRef"), { rule: "staticPod.envConfigMapKeyRef", detail: REASONS.configMap }));
  });
  arrayOf(container["envFrom"]).forEach((e, k) => {
    const source = recordOf(e);
    const at = path.child("envFrom").index(k);
    if (isSet(source?.["secretRef"])) errs.push(forbidden(at.child("secretRef"), { rule: "staticPod.envFromSecretRef", detail: REASONS.secret }));
    if (isSet(source?.["configMapRef"])) errs.push(forbidden(at.child("configMapRef"), { rule: "staticPod.envFromConfigMapRef", detail: REASONS.configMap }));
  });
  return errs;
}

function checkVolumeReferences(volume: JsonRecord | undefined, path: FieldPath): FieldError[] {
  if (!volume) return [];
  const errs: FieldError[] = [];
  // The volume's own sources (one, unless the schema layer reports more), not every table entry.
  for (const source of presentVolumeSources(volume)) {
    const whole = WHOLE_VOLUME_REFERENCES.get(source);
    if (whole !== undefined) errs.push(forbidden(path.child(source), { rule: whole[0], detail: whole[1] }));
    // An empty secret name is skipped by VisitPodSecretNames: no reference.
    if (SECRET_REF_VOLUMES.has(source) && stringOf(recordOf(recordOf(volume[source])?.["secretRef"])?.["name"])) {
      errs.push(forbidden(path.child(source).child("secretRef"), { rule: "staticPod.volumeSecretRef", detail: REASONS.secret }));
    }
  }
  arrayOf(recordOf(volume["projected"])?.["sources"]).forEach((s, j) => {
    const projection = recordOf(s);
    const at = path.child("projected").child("sources").index(j);
    for (const [source, rule, reason] of PROJECTED_REFERENCES) {
      if (isSet(projection?.[source])) errs.push(forbidden(at.child(source), { rule, detail: reason }));
    }
  });
  return errs;
}
