// The daemon's logger: pino, JSON lines to stderr (or readable text), behind EventLog.
import { pino, type DestinationStream } from "pino";
import { escapeControl } from "../output/escape-control.js";
import { boundLogFields } from "./bounded-log-fields.js";
import type { EventLog, LogFields } from "./event-log.js";
import { createTextLogStream } from "./text-log-stream.js";

export interface LoggerOptions {
  format: "json" | "text";
  /** Where lines go; stderr by default (results belong to stdout, diagnostics to stderr). */
  destination?: DestinationStream;
  level?: "debug" | "info";
}

export function createLogger(options: LoggerOptions): EventLog {
  // Synchronous writes to stderr (sonic-boom retries a full pipe): a line is out before exit.
  const stderr = pino.destination({ dest: 2, sync: true });
  // Lines are escaped where they leave: pino escapes C0 controls in JSON, not DEL, C1 or bidi.
  const escaped: DestinationStream = { write: (line: string) => stderr.write(escapeControl(line)) };
  const destination = options.destination ?? (options.format === "text" ? createTextLogStream(escaped) : escaped);
  const logger = pino(
    {
      level: options.level ?? "info",
      base: { pid: process.pid },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const emit = (level: "debug" | "info" | "warn" | "error") => (event: string, fields?: LogFields): void => {
    logger[level]({ event, ...(fields === undefined ? {} : boundLogFields(fields)) });
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
