// lifecycle.stopSignal (validation.go validateContainerStopSignal, KEP-4960): a signal
// needs spec.os.name to say which set applies; Windows only knows SIGKILL and SIGTERM.
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { isSet, stringOf } from "./read-json.js";

const REALTIME_MIN = Array.from({ length: 15 }, (_, i) => `SIGRTMIN+${i + 1}`);
const REALTIME_MAX = Array.from({ length: 14 }, (_, i) => `SIGRTMAX-${i + 1}`);
// Sorted as Go's sets.List prints them.
const LINUX_SIGNALS: readonly string[] = [
  "SIGABRT", "SIGALRM", "SIGBUS", "SIGCHLD", "SIGCLD", "SIGCONT", "SIGFPE", "SIGHUP", "SIGILL", "SIGINT",
  "SIGIO", "SIGIOT", "SIGKILL", "SIGPIPE", "SIGPOLL", "SIGPROF", "SIGPWR", "SIGQUIT", "SIGSEGV", "SIGSTKFLT",
  "SIGSTOP", "SIGSYS", "SIGTERM", "SIGTRAP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGUSR1", "SIGUSR2",
  "SIGVTALRM", "SIGWINCH", "SIGXCPU", "SIGXFSZ", "SIGRTMIN", "SIGRTMAX", ...REALTIME_MIN, ...REALTIME_MAX,
].sort();
const LINUX_SET = new Set(LINUX_SIGNALS);
const WINDOWS_SIGNALS: readonly string[] = ["SIGKILL", "SIGTERM"];

/** `osName` is spec.os.name, undefined when spec.os is absent. */
export function checkStopSignal(value: unknown, osName: string | undefined, path: FieldPath): FieldError[] {
  if (!isSet(value)) return [];
  const signal = stringOf(value);
  if (signal === undefined) return []; // another type: the schema layer's
  if (osName === undefined) {
    return [forbidden(path, { rule: "container.lifecycle.stopSignal.os", detail: "may not be set for containers with empty `spec.os.name`" })];
  }
  if (osName === "linux" && !LINUX_SET.has(signal)) {
    return [unsupported(path, signal, LINUX_SIGNALS, { rule: "container.lifecycle.stopSignal.unsupported" })];
  }
  if (osName === "windows" && !WINDOWS_SIGNALS.includes(signal)) {
    return [unsupported(path, signal, WINDOWS_SIGNALS, { rule: "container.lifecycle.stopSignal.unsupported" })];
  }
  return [];
}
