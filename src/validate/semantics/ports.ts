// Container ports (validation.go validateContainerPorts, AccumulateUniqueHostPorts,
// validateHostNetwork). Runs after API defaulting: an absent protocol is TCP, and with
// hostNetwork an absent hostPort takes the containerPort, so only set values can clash.
import type { FieldError } from "../../errors/field-error.js";
import { duplicate, invalid, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkPortName, checkPortNumber } from "./name-formats.js";
import { arrayOf, numberOf, recordOf, stringOf } from "./read-json.js";

const PROTOCOLS = ["SCTP", "TCP", "UDP"] as const;

export function checkContainerPorts(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arrayOf(value).forEach((item, j) => {
    const port = recordOf(item);
    if (!port) return;
    const at = path.index(j);
    const name = stringOf(port["name"]);
    if (name) {
      const msgs = checkPortName(name);
      for (const msg of msgs) errs.push(invalid(at.child("name"), name, { rule: "container.port.name.format", detail: msg }));
      if (msgs.length === 0 && names.has(name)) errs.push(duplicate(at.child("name"), name, { rule: "container.port.name.duplicate" }));
      names.add(name);
    }
    const containerPort = numberOf(port["containerPort"]);
    if (containerPort === 0 || port["containerPort"] === undefined || port["containerPort"] === null) {
      errs.push(required(at.child("containerPort"), { rule: "container.port.containerPort.required" }));
    } else if (containerPort !== undefined) {
      for (const msg of checkPortNumber(containerPort)) {
        errs.push(invalid(at.child("containerPort"), containerPort, { rule: "container.port.containerPort.range", detail: msg }));
      }
    }
    const hostPort = numberOf(port["hostPort"]);
    if (hostPort !== undefined && hostPort !== 0) {
      for (const msg of checkPortNumber(hostPort)) {
        errs.push(invalid(at.child("hostPort"), hostPort, { rule: "container.port.hostPort.range", detail: msg }));
      }
    }
    const protocol = stringOf(port["protocol"]);
    if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol)) {
      errs.push(unsupported(at.child("protocol"), protocol, PROTOCOLS, { rule: "container.port.protocol.unsupported" }));
    }
  });
  return errs;
}

/**
 * hostPort is unique per protocol and hostIP across the containers sharing `seen`: one set for
 * all regular containers, a fresh one per init container (init containers run one at a time).
 */
export function checkHostPortConflicts(container: unknown, path: FieldPath, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(recordOf(container)?.["ports"]).forEach((p, j) => {
    const port = recordOf(p);
    const hostPort = numberOf(port?.["hostPort"]);
    if (!port || hostPort === undefined || hostPort === 0) return;
    const key = `${stringOf(port["protocol"]) ?? "TCP"}/${stringOf(port["hostIP"]) ?? ""}/${hostPort}`;
    if (seen.has(key)) errs.push(duplicate(path.child("ports").index(j).child("hostPort"), key, { rule: "container.port.hostPort.duplicate" }));
    seen.add(key);
  });
  return errs;
}

/** With hostNetwork the container port is the host port: a different hostPort cannot work. */
export function checkHostNetworkPorts(containers: unknown[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((item, i) => {
    arrayOf(recordOf(item)?.["ports"]).forEach((p, j) => {
      const port = recordOf(p);
      const hostPort = numberOf(port?.["hostPort"]);
      const containerPort = numberOf(port?.["containerPort"]);
      if (hostPort === undefined || hostPort === 0 || hostPort === containerPort) return;
      errs.push(invalid(path.index(i).child("ports").index(j).child("hostPort"), hostPort, {
        rule: "container.port.hostPort.hostNetwork", detail: "must match `containerPort` when `hostNetwork` is true",
      }));
    });
  });
  return errs;
}

/** A probe or handler port: a number in range or an IANA_SVC_NAME (validation.go ValidatePortNumOrName). */
export function checkPortNumberOrName(value: unknown, path: FieldPath, rule: string): FieldError[] {
  if (typeof value === "number") {
    return checkPortNumber(value).map((msg) => invalid(path, value, { rule, detail: msg }));
  }
  // An absent port is the schema layer's (a required field); "" is a name, and not a valid one.
  if (typeof value === "string") return checkPortName(value).map((msg) => invalid(path, value, { rule, detail: msg }));
  return [];
}
