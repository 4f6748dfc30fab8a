// Probes and lifecycle handlers (validation.go validateProbe, validateHandler,
// validateLifecycle, validateHTTPGetAction). After API defaulting an httpGet path is "/"
// and its scheme HTTP, so only values that are set can be wrong.
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkPortNumberOrName } from "./ports.js";
import { arrayOf, isSet, numberOf, recordOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";

const PROBE_HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"] as const;
const LIFECYCLE_HANDLERS = ["exec", "httpGet", "tcpSocket", "sleep"] as const;
const HTTP_SCHEMES = ["HTTP", "HTTPS"] as const;
const HEADER_NAME = /^[-A-Za-z0-9]+$/;

export type ProbeKind = "livenessProbe" | "readinessProbe" | "startupProbe";

export function checkProbe(value: unknown, kind: ProbeKind, path: FieldPath): FieldError[] {
  const probe = recordOf(value);
  if (!probe) return [];
  const errs = checkHandlers(probe, PROBE_HANDLERS, path, "probe");
  for (const field of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"]) {
    const n = numberOf(probe[field]);
    if (n !== undefined && n < 0) errs.push(invalid(path.child(field), n, { rule: "probe.negative", detail: "must be greater than or equal to 0" }));
  }
  const success = numberOf(probe["successThreshold"]);
  // Liveness and startup probes act on the first failure/success: more than one success is meaningless.
  if (kind !== "readinessProbe" && success !== undefined && success !== 0 && success !== 1) {
    errs.push(invalid(path.child("successThreshold"), success, { rule: "probe.successThreshold", detail: "must be 1" }));
  }
  const grace = probe["terminationGracePeriodSeconds"];
  if (isSet(grace)) {
    const seconds = numberOf(grace);
    if (seconds !== undefined && seconds <= 0) {
      errs.push(invalid(path.child("terminationGracePeriodSeconds"), seconds, { rule: "probe.terminationGracePeriodSeconds.positive", detail: "must be greater than 0" }));
    }
    if (kind === "readinessProbe") {
      errs.push(invalid(path.child("terminationGracePeriodSeconds"), grace, { rule: "probe.terminationGracePeriodSeconds.readiness", detail: "must not be set for readinessProbes" }));
    }
  }
  return errs;
}

export function checkLifecycle(value: unknown, gracePeriodSeconds: number, path: FieldPath): FieldError[] {
  const lifecycle = recordOf(value);
  if (!lifecycle) return [];
  const errs: FieldError[] = [];
  for (const hook of ["postStart", "preStop"]) {
    const handler = recordOf(lifecycle[hook]);
    if (handler) errs.push(...checkHandlers(handler, LIFECYCLE_HANDLERS, path.child(hook), "lifecycle", gracePeriodSeconds));
  }
  return errs;
}

function checkHandlers(handler: JsonRecord, kinds: readonly string[], path: FieldPath, rulePrefix: string, gracePeriodSeconds = 0): FieldError[] {
  const present = kinds.filter((k) => isSet(handler[k]));
  if (present.length === 0) return [required(path, { rule: `${rulePrefix}.handler.required`, detail: "must specify a handler type" })];
  const errs = present.slice(1).map((k) => forbidden(path.child(k), { rule: `${rulePrefix}.handler.many`, detail: "may not specify more than 1 handler type" }));
  const kind = present[0] ?? "";
  const body = recordOf(handler[kind]);
  if (!body) return errs;
  const at = path.child(kind);
  switch (kind) {
    case "exec":
      if (arrayOf(body["command"]).length === 0) errs.push(required(at.child("command"), { rule: `${rulePrefix}.exec.command.required` }));
      break;
    case "httpGet": errs.push(...checkHttpGet(body, at, rulePrefix)); break;
    case "tcpSocket": errs.push(...checkPortNumberOrName(body["port"], at.child("port"), `${rulePrefix}.tcpSocket.port`)); break;
    case "grpc": errs.push(...checkGrpcPort(body["port"], at.child("port"), rulePrefix)); break;
    case "sleep": {
      // A sleep longer than the grace period would be cut short by the kill anyway.
      const seconds = numberOf(body["seconds"]) ?? 0;
      if (seconds < 0 || seconds > gracePeriodSeconds) {
        errs.push(invalid(at, seconds, { rule: `${rulePrefix}.sleep.seconds`, detail: `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriodSeconds})` }));
      }
      break;
    }
    default: break;
  }
  return errs;
}

function checkHttpGet(body: JsonRecord, path: FieldPath, rulePrefix: string): FieldError[] {
  const errs = checkPortNumberOrName(body["port"], path.child("port"), `${rulePrefix}.httpGet.port`);
  const scheme = stringOf(body["scheme"]);
  if (scheme !== undefined && scheme !== "" && !(HTTP_SCHEMES as readonly string[]).includes(scheme)) {
    errs.push(unsupported(path.child("scheme"), scheme, HTTP_SCHEMES, { rule: `${rulePrefix}.httpGet.scheme.unsupported` }));
  }
  arrayOf(body["httpHeaders"]).forEach((item, i) => {
    const name = stringOf(recordOf(item)?.["name"]);
    // Reported on the list, without the index, as the API server does.
    if (name !== undefined && !HEADER_NAME.test(name)) {
      errs.push(invalid(path.child("httpHeaders"), name, { rule: `${rulePrefix}.httpGet.header.name`, detail: "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')" }));
    }
  });
  return errs;
}

function checkGrpcPort(value: unknown, path: FieldPath, rulePrefix: string): FieldError[] {
  const port = numberOf(value);
  if (port === undefined || (Number.isInteger(port) && port >= 1 && port <= 65535)) return [];
  return [invalid(path, port, { rule: `${rulePrefix}.grpc.port`, detail: "must be between 1 and 65535, inclusive" })];
}
