// One error as kubectl prints it: `spec.containers[0].image: Required value`,
// `Invalid value: "x": detail`, `Unsupported value: "x": supported values: "A", "B"`.
import type { LocatedError } from "../errors/field-error.js";

export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === null) return "null";
  return JSON.stringify(value) ?? String(value);
}

function lastSegment(field: string): string {
  const m = /(?:\[([^\]]*)\]|\.?([^.[\]]+))$/.exec(field);
  return m?.[1] ?? m?.[2] ?? field;
}

function messageOf(error: LocatedError): string {
  const detail = error.detail ? `: ${error.detail}` : "";
  const value = error.value === undefined ? "" : `: ${formatValue(error.value)}`;
  switch (error.type) {
    case "unknown field":
      return `unknown field ${JSON.stringify(lastSegment(error.field))}${error.detail ? ` (${error.detail})` : ""}`;
    case "Decode error":
      return error.detail ?? error.rule;
    case "Required value":
    case "Forbidden":
    case "Too long":
      return `${error.type}${detail}`;
    default:
      return `${error.type}${value}${detail}`;
  }
}

function locationOf(error: LocatedError): string {
  if (error.field !== "") return error.field;
  const line = error.line ?? error.origin.line;
  return line === undefined ? "payload" : `line ${line}`;
}

export function formatError(error: LocatedError): string {
  return `${locationOf(error)}: ${messageOf(error)}`;
}
