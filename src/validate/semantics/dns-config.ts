// spec.dnsPolicy and spec.dnsConfig (validation.go validateDNSPolicy, validatePodDNSConfig):
// resolv.conf limits the kubelet would otherwise enforce by truncating.
import type { FieldError } from "../../errors/field-error.js";
import { invalid, required } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkDns1123SubdomainWithUnderscore, checkIp } from "./name-formats.js";
import { arrayOf, isBlank, isSet, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";
import { checkSupported } from "./supported-values.js";

const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"] as const;
const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;

export function checkDns(spec: JsonRecord, specPath: FieldPath): FieldError[] {
  const policyPath = specPath.child("dnsPolicy");
  const configPath = specPath.child("dnsConfig");
  const errs = checkSupported(spec["dnsPolicy"], DNS_POLICIES, policyPath, "spec.dnsPolicy.unsupported");
  const isNone = spec["dnsPolicy"] === "None";
  if (isNone && !isSet(spec["dnsConfig"])) {
    errs.push(required(configPath, { rule: "spec.dnsConfig.required", detail: "must provide `dnsConfig` when `dnsPolicy` is None" }));
  }
  const config = recordOf(spec["dnsConfig"]);
  if (!config) return errs;

  const nameservers = arrayOf(config["nameservers"]);
  const nsPath = configPath.child("nameservers");
  if (isNone && nameservers.length === 0) {
    // The API server stops here: the rest of dnsConfig is not looked at.
    return [...errs, required(nsPath, { rule: "spec.dnsConfig.nameservers.required", detail: "must provide at least one DNS nameserver when `dnsPolicy` is None" })];
  }
  if (nameservers.length > MAX_NAMESERVERS) {
    errs.push(invalid(nsPath, nameservers, { rule: "spec.dnsConfig.nameservers.tooMany", detail: `must not have more than ${MAX_NAMESERVERS} nameservers` }));
  }
  nameservers.forEach((ns, i) => {
    const ip = stringOf(ns);
    if (ip !== undefined) for (const msg of checkIp(ip)) errs.push(invalid(nsPath.index(i), ip, { rule: "spec.dnsConfig.nameserver.ip", detail: msg }));
  });

  const searches = arrayOf(config["searches"]);
  const searchPath = configPath.child("searches");
  if (searches.length > MAX_SEARCH_PATHS) {
    errs.push(invalid(searchPath, searches, { rule: "spec.dnsConfig.searches.tooMany", detail: `must not have more than ${MAX_SEARCH_PATHS} search paths` }));
  }
  const joined = searches.filter((s) => typeof s === "string").join(" ");
  if (joined.length > MAX_SEARCH_CHARS) {
    errs.push(invalid(searchPath, searches, { rule: "spec.dnsConfig.searches.tooLong", detail: `must not have more than ${MAX_SEARCH_CHARS} characters (including spaces) in the search list` }));
  }
  searches.forEach((s, i) => {
    const search = stringOf(s);
    // "." means "no search domains"; a trailing dot marks a fully qualified name. Underscores
    // are allowed (RelaxedDNSSearchValidation, on by default): SRV-style names use them.
    if (search === undefined || search === ".") return;
    const domain = search.endsWith(".") ? search.slice(0, -1) : search;
    for (const msg of checkDns1123SubdomainWithUnderscore(domain)) errs.push(invalid(searchPath.index(i), domain, { rule: "spec.dnsConfig.search.format", detail: msg }));
  });

  arrayOf(config["options"]).forEach((o, i) => {
    const option = recordOf(o);
    if (option && isBlank(option["name"])) {
      errs.push(required(configPath.child("options").index(i), { rule: "spec.dnsConfig.option.name.required", detail: "must not be empty" }));
    }
  });
  return errs;
}
