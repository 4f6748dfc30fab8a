// The policy's own rules, beyond the Pod Security Standards: where images may come from and
// whether they are pinned, which host paths and ports a pod may use, which capabilities it may
// add, which limits it must set. Each rule is an allow-list: absent, it restricts nothing;
// present, everything outside it is Forbidden. Rules never loosen podSecurity: a pod must pass
// every rule the policy has.
import { posix } from "node:path";
import type { FieldPath } from "../errors/field-path.js";
import { arrayOf, recordOf, stringOf } from "../validate/semantics/read-json.js";
import { compileRepositoryGlob, hasSha256Digest, parseImageReference } from "./image-reference.js";
import type { HostPathPrefix, Policy, PolicyRule, PortRange } from "./policy.js";
import { child, describeContainer, type PodView } from "./pod-walk.js";

export interface RuleViolation {
  rule: PolicyRule;
  path: FieldPath;
  detail: string;
}

/** Every image a pod pulls: each container's, and each image volume's reference. */
function imagesOf(pod: PodView): Array<{ image: string; path: FieldPath }> {
  const images = pod.containers.flatMap((at) => {
    const image = stringOf(at.container["image"]);
    return image === undefined || image === "" ? [] : [{ image, path: at.path.child("image") }];
  });
  arrayOf(pod.spec["volumes"]).forEach((item, i) => {
    const reference = stringOf(child(recordOf(item), "image")?.["reference"]);
    if (reference !== undefined && reference !== "") images.push({ image: reference, path: pod.specPath.child("volumes").index(i).child("image").child("reference") });
  });
  return images;
}

function checkImages(pod: PodView, policy: Policy, patterns: RegExp[] | undefined): RuleViolation[] {
  if (patterns === undefined && policy.requireDigest !== true) return [];
  return imagesOf(pod).flatMap(({ image, path }): RuleViolation[] => {
    const reference = parseImageReference(image);
    const out: RuleViolation[] = [];
    if (patterns !== undefined) {
      if (reference === undefined) {
        out.push({ rule: "registries", path, detail: `image ${JSON.stringify(image)} is not a reference whose registry can be told` });
      } else if (!patterns.some((p) => p.test(reference.repository))) {
        out.push({ rule: "registries", path, detail: `image ${JSON.stringify(image)} (repository ${reference.repository}) matches none of the allowed registries` });
      }
    }
    if (policy.requireDigest === true && (reference === undefined || !hasSha256Digest(reference))) {
      out.push({ rule: "requireDigest", path, detail: `image ${JSON.stringify(image)} must be pinned by digest (@sha256:<64 hex digits>)` });
    }
    return out;
  });
}

/** The prefixes a host path falls under (component-wise: /var/log covers /var/log/x, not /var/logs). */
function prefixesCovering(path: string, prefixes: readonly HostPathPrefix[]): HostPathPrefix[] {
  return prefixes.filter((p) => p.path === "/" || path === p.path || path.startsWith(`${p.path}/`));
}

function checkHostPaths(pod: PodView, prefixes: readonly HostPathPrefix[]): RuleViolation[] {
  const out: RuleViolation[] = [];
  /** Volume name → whether its mounts may be read-write. */
  const writable = new Map<string, { writable: boolean; hostPath: string }>();
  arrayOf(pod.spec["volumes"]).forEach((item, i) => {
    const volume = recordOf(item);
    const hostPath = child(volume, "hostPath");
    if (volume === undefined || hostPath === undefined) return;
    const raw = stringOf(hostPath["path"]) ?? "";
    const normalized = posix.normalize(raw);
    const covering = posix.isAbsolute(normalized) ? prefixesCovering(normalized, prefixes) : [];
    const path = pod.specPath.child("volumes").index(i).child("hostPath").child("path");
    if (covering.length === 0) {
      out.push({ rule: "hostPathPrefixes", path, detail: `host path ${JSON.stringify(raw)} is under none of the allowed prefixes` });
      return;
    }
    const name = stringOf(volume["name"]);
    if (name !== undefined) writable.set(name, { writable: covering.some((p) => p.writable), hostPath: normalized });
  });
  for (const at of pod.containers) {
    arrayOf(at.container["volumeMounts"]).forEach((item, k) => {
      const mount = recordOf(item);
      const volume = writable.get(stringOf(mount?.["name"]) ?? "");
      if (mount === undefined || volume === undefined || volume.writable || mount["readOnly"] === true) return;
      out.push({
        rule: "hostPathPrefixes", path: at.path.child("volumeMounts").index(k).child("readOnly"),
        detail: `${describeContainer(at)} must mount host path ${volume.hostPath} readOnly: no prefix covering it is writable`,
      });
    });
  }
  return out;
}

function inRanges(port: number, ranges: readonly PortRange[]): boolean {
  return ranges.some((r) => port >= r.from && port <= r.to);
}

/** The pod is defaulted first (check-policy.ts): under hostNetwork every containerPort already is a hostPort. */
function checkHostPorts(pod: PodView, ranges: readonly PortRange[]): RuleViolation[] {
  return pod.containers.flatMap((at) => arrayOf(at.container["ports"]).flatMap((item, j): RuleViolation[] => {
    const hostPort = recordOf(item)?.["hostPort"];
    if (typeof hostPort !== "number" || hostPort === 0 || inRanges(hostPort, ranges)) return [];
    return [{ rule: "hostPorts", path: at.path.child("ports").index(j).child("hostPort"), detail: `${describeContainer(at)} uses hostPort ${hostPort}, outside the allowed ranges` }];
  }));
}

function checkCapabilities(pod: PodView, allowed: ReadonlySet<string>): RuleViolation[] {
  return pod.containers.flatMap((at) => {
    const path = at.path.child("securityContext").child("capabilities").child("add");
    return arrayOf(child(child(at.container, "securityContext"), "capabilities")?.["add"]).flatMap((cap, i): RuleViolation[] => {
      const name = typeof cap === "string" ? cap.toUpperCase().replace(/^CAP_/, "") : undefined;
      if (name !== undefined && allowed.has(name)) return [];
      return [{ rule: "capabilities", path: path.index(i), detail: `${describeContainer(at)} may not add capability ${JSON.stringify(cap)}` }];
    });
  });
}

function checkLimits(pod: PodView, required: readonly string[]): RuleViolation[] {
  // Pod-level limits (spec.resources) bound every container at once.
  const podLimits = child(child(pod.spec, "resources"), "limits") ?? {};
  const missing = (limits: Record<string, unknown>, name: string): boolean => limits[name] === undefined || limits[name] === null || limits[name] === "";
  return pod.containers.flatMap((at) => {
    const limits = child(child(at.container, "resources"), "limits") ?? {};
    return required.filter((name) => missing(limits, name) && missing(podLimits, name)).map((name): RuleViolation => ({
      rule: "requireLimits", path: at.path.child("resources").child("limits").key(name),
      detail: `${describeContainer(at)} must set resources.limits.${name} (or the pod spec.resources.limits.${name})`,
    }));
  });
}

/** The local rules, compiled once per policy: globs become regular expressions. */
export function compileLocalRules(policy: Policy): (pod: PodView) => RuleViolation[] {
  const patterns = policy.registries?.map(compileRepositoryGlob);
  const capabilities = policy.capabilities === undefined ? undefined : new Set(policy.capabilities);
  return (pod) => [
    ...checkImages(pod, policy, patterns),
    ...(policy.hostPathPrefixes === undefined ? [] : checkHostPaths(pod, policy.hostPathPrefixes)),
    ...(policy.hostPorts === undefined ? [] : checkHostPorts(pod, policy.hostPorts)),
    ...(capabilities === undefined ? [] : checkCapabilities(pod, capabilities)),
    ...(policy.requireLimits === undefined ? [] : checkLimits(pod, policy.requireLimits)),
  ];
}
