// A policy file's text → a Policy, or every problem with it at once. YAML is read as the pods
// are (YAML 1.1, duplicate keys refused); the shape is checked with zod, and an unknown key is
// named with the known one it most likely meant, so a typo never silently drops a rule.
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { parseYaml } from "../decode/parse-yaml.js";
import { suggestField } from "../errors/suggest-field.js";
import { DEFAULT_REQUIRED_LIMITS, POD_SECURITY_LEVELS, type HostPathPrefix, type Policy, type PortRange } from "./policy.js";

export type ParsedPolicy = { ok: true; policy: Policy } | { ok: false; problems: string[] };

const TOP_KEYS = ["podSecurity", "registries", "requireDigest", "hostPathPrefixes", "hostPorts", "capabilities", "requireLimits"] as const;
const PREFIX_KEYS = ["path", "writable"] as const;

const PORT_RANGE = /^(\d{1,5})-(\d{1,5})$/;
/** Characters of an image repository plus the glob's `*` and `?`. */
const REGISTRY_PATTERN = /^[a-z0-9.\-_/:*?]+$/;
const CAPABILITY = /^(CAP_)?[A-Z][A-Z0-9_]*$/;
const RESOURCE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._/-]*$/;

function isNormalizedAbsolute(path: string): boolean {
  if (!path.startsWith("/")) return false;
  if (path === "/") return true;
  return !path.endsWith("/") && path.slice(1).split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

function validRange(text: string): boolean {
  const m = PORT_RANGE.exec(text);
  if (m === null) return false;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return from >= 1 && to <= 65535 && from <= to;
}

const port = z.int().check(z.gte(1, "a port is 1 to 65535"), z.lte(65535, "a port is 1 to 65535"));
const portRange = z.string().check(z.refine(validRange, "expected a port (1-65535) or a range FROM-TO within 1-65535"));

const policySchema = z.strictObject({
  podSecurity: z.optional(z.enum(POD_SECURITY_LEVELS)),
  registries: z.optional(z.array(z.string().check(
    z.minLength(1, "an empty pattern matches nothing"),
    z.regex(REGISTRY_PATTERN, "expected a repository glob: lower-case registry host and path, `*` within a segment, `**` across segments"),
  ))),
  requireDigest: z.optional(z.boolean()),
  hostPathPrefixes: z.optional(z.array(z.strictObject({
    path: z.string().check(z.refine(isNormalizedAbsolute, "expected an absolute path without trailing slash, '.' or '..' segments")),
    writable: z.optional(z.boolean()),
  }))),
  hostPorts: z.optional(z.array(z.union([port, portRange]))),
  capabilities: z.optional(z.array(z.string().check(z.regex(CAPABILITY, "expected a capability name such as NET_BIND_SERVICE")))),
  requireLimits: z.optional(z.union([z.boolean(), z.array(z.string().check(z.regex(RESOURCE_NAME, "expected a resource name such as cpu or memory")))])),
});

type RawPolicy = z.output<typeof policySchema>;

/** `hostPorts[1].path` from zod's path segments. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, segment) => (typeof segment === "number" ? `${out}[${segment}]` : out === "" ? String(segment) : `${out}.${String(segment)}`), "");
}

/** The keys an object at `path` may have, for did-you-mean. */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): readonly string[] {
  return path.length === 2 && path[0] === "hostPathPrefixes" ? PREFIX_KEYS : TOP_KEYS;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const field = formatPath([...issue.path, key]);
      const suggestion = suggestField(key, knownKeysAt(issue.path));
      return `${field}: unknown field${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}`;
    });
  }
  return [`${formatPath(issue.path) || "(top level)"}: ${issue.message}`];
}

function toPortRange(entry: number | string): PortRange {
  if (typeof entry === "number") return { from: entry, to: entry };
  const [from, to] = entry.split("-").map(Number);
  return { from: from ?? 0, to: to ?? 0 };
}

function normalizeCapability(name: string): string {
  return name.startsWith("CAP_") ? name.slice("CAP_".length) : name;
}

function toPolicy(raw: RawPolicy): Policy {
  const policy: Policy = {};
  if (raw.podSecurity !== undefined) policy.podSecurity = raw.podSecurity;
  if (raw.registries !== undefined) policy.registries = raw.registries;
  if (raw.requireDigest !== undefined) policy.requireDigest = raw.requireDigest;
  if (raw.hostPathPrefixes !== undefined) {
    policy.hostPathPrefixes = raw.hostPathPrefixes.map((p): HostPathPrefix => ({ path: p.path, writable: p.writable ?? false }));
  }
  if (raw.hostPorts !== undefined) policy.hostPorts = raw.hostPorts.map(toPortRange);
  if (raw.capabilities !== undefined) policy.capabilities = raw.capabilities.map(normalizeCapability);
  if (raw.requireLimits !== undefined && raw.requireLimits !== false) {
    policy.requireLimits = raw.requireLimits === true ? [...DEFAULT_REQUIRED_LIMITS] : raw.requireLimits;
  }
  return policy;
}

/** `source` names the file in YAML errors. */
export function parsePolicy(text: string, source: string): ParsedPolicy {
  const parsed = parseYaml(text, source);
  if (parsed.errors.length > 0) {
    return { ok: false, problems: parsed.errors.map((e) => `${e.line === undefined ? "" : `line ${e.line}: `}${e.detail ?? e.rule}`) };
  }
  if (parsed.documents.length > 1) {
    return { ok: false, problems: [`expected one YAML document, found ${parsed.documents.length}`] };
  }
  const value = parsed.documents[0]?.value;
  if (value === undefined || value === null) {
    return { ok: false, problems: ["empty policy: write the rules, or `{}` for a policy that restricts nothing"] };
  }
  // English messages per parse, not zod's global config: no module-level state.
  const checked = policySchema.safeParse(value, { error: en().localeError });
  if (!checked.success) return { ok: false, problems: checked.error.issues.flatMap(describeIssue) };
  return { ok: true, policy: toPolicy(checked.data) };
}

/** One line naming what a policy enforces, for `rower policy check` and the daemon's log. */
export function summarizePolicy(policy: Policy): string {
  const parts: string[] = [];
  if (policy.podSecurity !== undefined) parts.push(`podSecurity ${policy.podSecurity}`);
  if (policy.registries !== undefined) parts.push(`${policy.registries.length} registry pattern(s)`);
  if (policy.requireDigest === true) parts.push("digests required");
  if (policy.hostPathPrefixes !== undefined) parts.push(`${policy.hostPathPrefixes.length} hostPath prefix(es)`);
  if (policy.hostPorts !== undefined) parts.push(`${policy.hostPorts.length} hostPort range(s)`);
  if (policy.capabilities !== undefined) parts.push(`${policy.capabilities.length} addable capability(ies)`);
  if (policy.requireLimits !== undefined) parts.push(`limits required: ${policy.requireLimits.join(", ")}`);
  return parts.length === 0 ? "no rules" : parts.join("; ");
}
