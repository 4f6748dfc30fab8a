// Container defaults validation reads (pkg/apis/core/v1/defaults.go SetDefaults_Container, SetDefaults_ContainerPort,
// SetDefaults_Probe, SetDefaults_HTTPGetAction, SetDefaults_ObjectFieldSelector) and the part
// of SetDefaults_Pod that gives each container requests equal to its limits when unset.
import { recordOf, stringOf, type JsonRecord } from "../semantics/read-json.js";
import { isUnsetNumber, isUnsetString, mapField, mapRecords, withChanges } from "./copy-on-write.js";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;

/** parsers.ParseImageName: no tag and no digest means "latest". */
export function defaultPullPolicy(image: unknown): string {
  const ref = stringOf(image) ?? "";
  if (ref.includes("@")) return "IfNotPresent";
  const lastSlash = ref.lastIndexOf("/");
  const colon = ref.indexOf(":", lastSlash + 1);
  const tag = colon < 0 ? "latest" : ref.slice(colon + 1);
  return tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultHttpGet(action: JsonRecord): JsonRecord {
  const changes: JsonRecord = {};
  if (isUnsetString(action["path"])) changes["path"] = "/";
  if (isUnsetString(action["scheme"])) changes["scheme"] = "HTTP";
  return withChanges(action, changes);
}

function defaultProbe(probe: JsonRecord): JsonRecord {
  const changes: JsonRecord = {};
  if (isUnsetNumber(probe["timeoutSeconds"])) changes["timeoutSeconds"] = 1;
  if (isUnsetNumber(probe["periodSeconds"])) changes["periodSeconds"] = 10;
  if (isUnsetNumber(probe["successThreshold"])) changes["successThreshold"] = 1;
  if (isUnsetNumber(probe["failureThreshold"])) changes["failureThreshold"] = 3;
  return mapField(withChanges(probe, changes), "httpGet", defaultHttpGet);
}

function defaultLifecycle(lifecycle: JsonRecord): JsonRecord {
  const hook = (h: JsonRecord): JsonRecord => mapField(h, "httpGet", defaultHttpGet);
  return mapField(mapField(lifecycle, "postStart", hook), "preStop", hook);
}

function defaultPort(port: JsonRecord): JsonRecord {
  return isUnsetString(port["protocol"]) ? { ...port, protocol: "TCP" } : port;
}

/** SetDefaults_ObjectFieldSelector: apiVersion "v1". */
export function defaultFieldSelector(selector: JsonRecord): JsonRecord {
  return isUnsetString(selector["apiVersion"]) ? { ...selector, apiVersion: "v1" } : selector;
}

function defaultEnvVar(env: JsonRecord): JsonRecord {
  return mapField(env, "valueFrom", (from) => mapField(from, "fieldRef", defaultFieldSelector));
}

/** SetDefaults_Pod: a resource with a limit and no request is requested at its limit. */
function defaultRequests(resources: JsonRecord): JsonRecord {
  const limits = recordOf(resources["limits"]);
  if (!limits) return resources;
  const requests = recordOf(resources["requests"]) ?? {};
  const missing = Object.keys(limits).filter((name) => !(name in requests));
  if (missing.length === 0) return resources;
  const filled: JsonRecord = { ...requests };
  for (const name of missing) filled[name] = limits[name];
  return { ...resources, requests: filled };
}

/** hostNetwork pods: a port without hostPort gets its containerPort (SetDefaults_Pod). */
function defaultHostNetworkPort(port: JsonRecord): JsonRecord {
  return isUnsetNumber(port["hostPort"]) && port["containerPort"] !== undefined ? { ...port, hostPort: port["containerPort"] } : port;
}

export function defaultContainer(container: JsonRecord, hostNetwork: boolean): JsonRecord {
  // One copy per container at most: every change goes into `changes`, spread once.
  const changes: JsonRecord = {};
  if (isUnsetString(container["imagePullPolicy"])) changes["imagePullPolicy"] = defaultPullPolicy(container["image"]);
  if (isUnsetString(container["terminationMessagePolicy"])) changes["terminationMessagePolicy"] = "File";
  const ports = mapRecords(container["ports"], (p) => {
    const port = defaultPort(p);
    return hostNetwork ? defaultHostNetworkPort(port) : port;
  });
  if (ports !== container["ports"]) changes["ports"] = ports;
  const env = mapRecords(container["env"], defaultEnvVar);
  if (env !== container["env"]) changes["env"] = env;
  for (let i = 0; i < PROBES.length; i++) {
    const probe = PROBES[i] as (typeof PROBES)[number];
    const value = recordOf(container[probe]);
    const next = value && defaultProbe(value);
    if (next !== value) changes[probe] = next;
  }
  const lifecycle = recordOf(container["lifecycle"]);
  const nextLifecycle = lifecycle && defaultLifecycle(lifecycle);
  if (nextLifecycle !== lifecycle) changes["lifecycle"] = nextLifecycle;
  const resources = recordOf(container["resources"]);
  const nextResources = resources && defaultRequests(resources);
  if (nextResources !== resources) changes["resources"] = nextResources;
  return Object.keys(changes).length === 0 ? container : { ...container, ...changes };
}
