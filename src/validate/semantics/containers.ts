// initContainers and containers (validation.go validateInitContainers, validateContainers,
// validateContainerCommon). An init container with `restartPolicy: Always` is a sidecar:
// it keeps running, so it may have probes and lifecycle hooks; any other init container may not.
import type { FieldError } from "../../errors/field-error.js";
import { duplicate, forbidden, invalid, required, tooMany } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkEnv, checkEnvFrom } from "./env.js";
import { checkDns1123Label } from "./name-formats.js";
import { checkContainerPorts, checkHostNetworkPorts, checkHostPortConflicts } from "./ports.js";
import type { ProbeKind } from "./probes.js";
import { checkLifecycle, checkProbe } from "./probes.js";
import { arrayOf, isSet, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { checkResources } from "./resources.js";
import { checkContainerSecurityContext } from "./security-context.js";
import { checkStopSignal } from "./stop-signal.js";
import { checkSupported } from "./supported-values.js";
import { checkVolumeDevices, checkVolumeMounts } from "./volume-mounts.js";

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;
const TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"] as const;
const CONTAINER_RESTART_POLICIES = ["Always", "OnFailure", "Never"] as const;
const RESTART_RULE_ACTIONS = ["Restart"] as const;
const EXIT_CODE_OPERATORS = ["In", "NotIn"] as const;
const MAX_RESTART_RULES = 20;
const MAX_EXIT_CODES = 255;
const RESIZE_RESOURCES = ["cpu", "memory"] as const;
const RESIZE_RESTART_POLICIES = ["NotRequired", "RestartContainer"] as const;
const PROBE_KINDS: readonly ProbeKind[] = ["livenessProbe", "readinessProbe", "startupProbe"];

type ContainerKind = "container" | "initContainer" | "sidecar";

export interface ContainerContext {
  /** The volumes that passed validation: name → source. */
  volumes: ReadonlyMap<string, string>;
  /** spec.securityContext.hostUsers, true unless set to false. */
  hostUsers: boolean;
  hostNetwork: boolean;
  /** spec.terminationGracePeriodSeconds after defaulting: the bound for sleep hooks. */
  gracePeriodSeconds: number;
  /** spec.restartPolicy after defaulting. */
  podRestartPolicy: string;
  /** Names in spec.resourceClaims, which container resources.claims refer to. */
  podClaimNames: ReadonlySet<string>;
  /** spec.os.name, undefined when spec.os is absent. */
  osName: string | undefined;
}

export function checkAllContainers(spec: JsonRecord, specPath: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const containers = arrayOf(spec["containers"]);
  const initContainers = arrayOf(spec["initContainers"]);
  const containersPath = specPath.child("containers");
  const initPath = specPath.child("initContainers");
  // A non-list is the schema layer's to report; an absent or empty list is ours.
  if (containers.length === 0 && (!isSet(spec["containers"]) || Array.isArray(spec["containers"]))) {
    errs.push(required(containersPath, { rule: "spec.containers.required" }));
  }

  // Regular names first: a clash between the lists is reported on the init container.
  const regularNames = new Set<string>();
  errs.push(...checkNames(containers, containersPath, regularNames, false));
  const initNames = new Set<string>(regularNames);
  errs.push(...checkNames(initContainers, initPath, initNames, true));

  initContainers.forEach((item, i) => {
    const c = recordOf(item);
    if (!c) return;
    const kind: ContainerKind = isSet(c["restartPolicy"]) && c["restartPolicy"] === "Always" ? "sidecar" : "initContainer";
    errs.push(...checkContainer(c, kind, initPath.index(i), ctx));
    errs.push(...checkHostPortConflicts(c, initPath.index(i), new Set()));
  });
  containers.forEach((item, i) => {
    const c = recordOf(item);
    if (c) errs.push(...checkContainer(c, "container", containersPath.index(i), ctx));
  });
  const hostPorts = new Set<string>();
  containers.forEach((c, i) => errs.push(...checkHostPortConflicts(c, containersPath.index(i), hostPorts)));
  // The API server checks regular containers only (validatePodHostNetworkDeps).
  if (ctx.hostNetwork) errs.push(...checkHostNetworkPorts(containers, containersPath));
  return errs;
}

/** Container names: DNS-1123 labels, unique within `seen` (which the caller may pre-fill). */
function checkNames(list: unknown[], path: FieldPath, seen: Set<string>, initList: boolean): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((item, i) => {
    const c = recordOf(item);
    if (!c) return;
    const at = path.index(i).child("name");
    const name = stringOf(c["name"]) ?? (isSet(c["name"]) ? undefined : "");
    if (name === undefined) return; // another type: the schema layer's
    if (name === "") errs.push(required(at, { rule: "container.name.required" }));
    for (const msg of name === "" ? [] : checkDns1123Label(name)) errs.push(invalid(at, name, { rule: "container.name.format", detail: msg }));
    // Go counts "" as a name too: a second unnamed container is also a duplicate.
    if (seen.has(name)) errs.push(duplicate(at, name, { rule: "container.name.duplicate" }));
    if (name !== "" || !initList) seen.add(name);
  });
  return errs;
}

function checkContainer(c: JsonRecord, kind: ContainerKind, path: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const image = stringOf(c["image"]);
  if (image === undefined || image === "") {
    if (image === "" || !isSet(c["image"])) errs.push(required(path.child("image"), { rule: "container.image.required" }));
  } else if (image.trim() !== image) {
    errs.push(invalid(path.child("image"), image, { rule: "container.image.whitespace", detail: "must not have leading or trailing whitespace" }));
  }
  errs.push(...checkSupported(c["imagePullPolicy"], PULL_POLICIES, path.child("imagePullPolicy"), "container.imagePullPolicy.unsupported"));
  errs.push(...checkSupported(c["terminationMessagePolicy"], TERMINATION_MESSAGE_POLICIES, path.child("terminationMessagePolicy"), "container.terminationMessagePolicy.unsupported"));
  errs.push(...checkRestartPolicy(c, path));

  const probesAllowed = kind !== "initContainer";
  for (let i = 0; i < PROBE_KINDS.length; i++) {
    const probe = PROBE_KINDS[i] as ProbeKind;
    if (!isSet(c[probe])) continue;
    if (probesAllowed) errs.push(...checkProbe(c[probe], probe, path.child(probe)));
    else errs.push(forbidden(path.child(probe), { rule: "initContainer.probe.forbidden", detail: "may not be set for init containers without restartPolicy=Always" }));
  }
  if (isSet(c["lifecycle"])) {
    if (probesAllowed) {
      errs.push(...checkLifecycle(c["lifecycle"], ctx.gracePeriodSeconds, path.child("lifecycle")));
      errs.push(...checkStopSignal(recordOf(c["lifecycle"])?.["stopSignal"], ctx.osName, path.child("lifecycle").child("stopSignal")));
    }
    else errs.push(forbidden(path.child("lifecycle"), { rule: "initContainer.lifecycle.forbidden", detail: "may not be set for init containers without restartPolicy=Always" }));
  }

  errs.push(...checkResizePolicy(c["resizePolicy"], ctx.podRestartPolicy, path.child("resizePolicy")));
  errs.push(
    ...checkContainerPorts(c["ports"], path.child("ports")),
    ...checkEnv(c["env"], path.child("env")),
    ...checkEnvFrom(c["envFrom"], path.child("envFrom")),
    ...checkVolumeMounts(c, ctx.volumes, path.child("volumeMounts")),
    ...checkVolumeDevices(c, ctx.volumes, path.child("volumeDevices")),
    ...checkResources(c["resources"], ctx.podClaimNames, path.child("resources")),
    ...checkContainerSecurityContext(c["securityContext"], ctx.hostUsers, path.child("securityContext")),
  );
  return errs;
}

/** In-place resize rules; the API server reports them on the list, without the index. */
function checkResizePolicy(value: unknown, podRestartPolicy: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arrayOf(value).forEach((item, i) => {
    const entry = recordOf(item);
    if (!entry) return;
    const resource = stringOf(entry["resourceName"]);
    const policy = stringOf(entry["restartPolicy"]);
    if (resource !== undefined) {
      if (seen.has(resource)) errs.push(duplicate(path.index(i), resource, { rule: "container.resizePolicy.duplicate" }));
      seen.add(resource);
      errs.push(...checkSupported(resource, RESIZE_RESOURCES, path, "container.resizePolicy.resourceName.unsupported"));
    }
    errs.push(...checkSupported(policy, RESIZE_RESTART_POLICIES, path, "container.resizePolicy.restartPolicy.unsupported"));
    // A pod that never restarts cannot restart a container to resize it.
    if (podRestartPolicy === "Never" && policy !== undefined && policy !== "NotRequired") {
      errs.push(invalid(path, policy, { rule: "container.resizePolicy.restartPolicy.never", detail: "must be 'NotRequired' when `restartPolicy` is 'Never'" }));
    }
  });
  return errs;
}

/**
 * Container restart policies (ContainerRestartRules, beta and on by default since 1.35): any
 * container may override the pod's policy; rules need an explicit policy to fall back on.
 */
function checkRestartPolicy(c: JsonRecord, path: FieldPath): FieldError[] {
  const rules = arrayOf(c["restartPolicyRules"]);
  const errs: FieldError[] = [];
  if (!isSet(c["restartPolicy"])) {
    if (rules.length > 0) errs.push(required(path.child("restartPolicy"), { rule: "container.restartPolicy.requiredByRules", detail: "must specify restartPolicy when restart rules are used" }));
  } else {
    errs.push(...checkSupported(c["restartPolicy"], CONTAINER_RESTART_POLICIES, path.child("restartPolicy"), "container.restartPolicy.unsupported"));
  }
  const rulesPath = path.child("restartPolicyRules");
  if (rules.length > MAX_RESTART_RULES) errs.push(tooMany(rulesPath, rules.length, MAX_RESTART_RULES, { rule: "container.restartPolicyRules.tooMany" }));
  rules.forEach((item, i) => {
    const rule = recordOf(item);
    if (!rule) return;
    const at = rulesPath.index(i);
    errs.push(...checkSupported(rule["action"], RESTART_RULE_ACTIONS, at.child("action"), "container.restartPolicyRules.action.unsupported"));
    const exitCodes = recordOf(rule["exitCodes"]);
    if (!exitCodes) {
      if (!isSet(rule["exitCodes"])) errs.push(required(at.child("exitCodes"), { rule: "container.restartPolicyRules.exitCodes.required", detail: "must be specified" }));
      return;
    }
    errs.push(...checkSupported(exitCodes["operator"], EXIT_CODE_OPERATORS, at.child("exitCodes").child("operator"), "container.restartPolicyRules.operator.unsupported"));
    const values = arrayOf(exitCodes["values"]);
    if (values.length > MAX_EXIT_CODES) {
      errs.push(tooMany(at.child("exitCodes").child("values"), values.length, MAX_EXIT_CODES, { rule: "container.restartPolicyRules.values.tooMany" }));
    }
  });
  return errs;
}

