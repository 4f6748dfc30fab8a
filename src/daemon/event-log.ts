// Logging is events: a line is an event name plus fields (`sync.applied`, `source.error`, ...).
// The daemon and its parts take an EventLog, so they never depend on pino directly.

export type LogFields = Record<string, unknown>;

export interface EventLog {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}
