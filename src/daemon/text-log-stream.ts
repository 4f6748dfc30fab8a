// Readable log lines for a terminal. pino hands us each JSON line; we reformat it and pass it
// to a synchronous destination, so the bundle stays one file (no worker transport) and a
// line is out before the process exits. pino-pretty would add a runtime dependency for the same.
import type { LocatedError } from "../errors/field-error.js";
import { formatError } from "../validate/format-error.js";

const LEVEL_LABEL: Record<string, string> = {
  trace: "TRACE", debug: "DEBUG", info: "INFO ", warn: "WARN ", error: "ERROR", fatal: "FATAL",
};
const OMITTED = new Set(["level", "time", "pid", "hostname", "event", "msg"]);

export interface LineSink {
  write(line: string): void;
}

/** A pino destination printing `HH:MM:SS.mmm LEVEL event key=value ...` into `sink`. */
export function createTextLogStream(sink: LineSink): LineSink {
  return { write: (line: string): void => sink.write(formatTextLine(line)) };
}

export function formatTextLine(jsonLine: string): string {
  const record = JSON.parse(jsonLine) as Record<string, unknown>;
  const time = typeof record.time === "number" ? new Date(record.time).toISOString().slice(11, 23) : "";
  const level = LEVEL_LABEL[String(record.level)] ?? String(record.level);
  const event = String(record.event ?? record.msg ?? "");
  const details: string[] = [];
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (OMITTED.has(key) || value === undefined) continue;
    if (key === "errors" && Array.isArray(value)) {
      details.push(...value.map(formatErrorItem));
      pairs.push(`errors=${value.length}`);
      continue;
    }
    pairs.push(`${key}=${typeof value === "string" && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`);
  }
  const head = [time, level, event, ...pairs].filter((part) => part !== "").join(" ");
  return [head, ...details].join("\n") + "\n";
}

/** Field errors read like kubectl's (`* spec.containers[0].image: Required value`), with the rule, without the value. */
function formatErrorItem(item: unknown): string {
  if (!isLoggedError(item)) return `    * ${JSON.stringify(item)}`;
  const { origin } = item;
  // The field's own line when the decoder knew it, else the document's.
  const line = item.line ?? origin.line;
  const where = `${origin.source}#${origin.document}${line === undefined ? "" : `:${line}`} `;
  // A value that reached a log line anyway is not printed: payload values stay out of logs.
  return `    * ${where}${formatError({ ...item, value: undefined })} [${item.rule}]`;
}

/** A LocatedError after a round trip through JSON. */
function isLoggedError(item: unknown): item is LocatedError {
  if (typeof item !== "object" || item === null) return false;
  const e = item as Record<string, unknown>;
  const origin = e.origin as Record<string, unknown> | undefined;
  return typeof e.field === "string" && typeof e.type === "string" && typeof e.rule === "string"
    && typeof origin === "object" && origin !== null && typeof origin.source === "string" && typeof origin.document === "number";
}
