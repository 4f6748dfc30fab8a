// Readable log lines for a terminal. pino hands us each JSON line; we reformat it and pass it
// to a synchronous destination, so the bundle stays one file (no worker transport) and a
// line is out before the process exits. pino-pretty would add a runtime dependency for the same.
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

/** Field errors read like kubectl's: `* spec.containers[0].image: Required value`. */
function formatErrorItem(item: unknown): string {
  if (typeof item !== "object" || item === null) return `    * ${JSON.stringify(item)}`;
  const error = item as Record<string, unknown>;
  const origin = error.origin as { source?: unknown; document?: unknown; line?: unknown } | undefined;
  // The field's own line when the decoder knew it, else the document's.
  const line = error.line ?? origin?.line;
  const where = origin ? `${String(origin.source)}#${String(origin.document)}${line === undefined ? "" : `:${String(line)}`} ` : "";
  const field = typeof error.field === "string" && error.field !== "" ? `${error.field}: ` : "";
  const value = error.value === undefined ? "" : ` ${JSON.stringify(error.value)}`;
  const detail = error.detail === undefined ? "" : `: ${String(error.detail)}`;
  return `    * ${where}${field}${String(error.type ?? "error")}${value}${detail} [${String(error.rule ?? "")}]`;
}
