// `rower status`: reads the state file and prints it for a person (text) or a script (json).
// Exit 0 with a state, 3 with a one-line reason when no daemon has written one, 2 when the
// options are bad or the state cannot be read.
import { writeEscaped } from "../output/escape-control.js";
import { loadConfig } from "../config/load-config.js";
import { readState, type DaemonState } from "../daemon/state-file.js";
import type { ErrorType } from "../errors/field-error.js";
import { formatError } from "../validate/format-error.js";
import { EXIT_NO_STATE, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";

export interface StatusFlags {
  stateDir?: string;
  output: "text" | "json";
}

export async function runStatus(flags: StatusFlags): Promise<number> {
  const parsed = loadConfig({ stateDir: flags.stateDir });
  if (!parsed.ok) {
    writeEscaped(process.stderr, `rower status: ${parsed.message}\n`);
    return EXIT_USAGE;
  }
  const { stateDir } = parsed.config;
  const read = await readState(stateDir);
  if (read.kind === "missing") {
    writeEscaped(process.stderr, `rower status: no state at ${read.path}: no rower daemon has written state there (see --state-dir)\n`);
    return EXIT_NO_STATE;
  }
  if (read.kind === "unreadable") {
    writeEscaped(process.stderr, `rower status: cannot read ${read.path}: ${read.message}\n`);
    return EXIT_NO_STATE;
  }
  if (read.kind === "invalid") {
    writeEscaped(process.stderr, `rower status: unreadable state at ${read.path}: ${read.message}\n`);
    return EXIT_USAGE;
  }
  const running = isProcessAlive(read.state.pid);
  writeEscaped(process.stdout, flags.output === "json" ? `${JSON.stringify({ ...read.state, running }, null, 2)}\n` : formatStatus(read.state, running));
  return EXIT_OK;
}

export function formatStatus(state: DaemonState, running: boolean): string {
  const lines = [
    `daemon:        pid ${state.pid} (${running ? "running" : "not running"}), state updated ${state.updatedAt}`,
    `source:        ${state.source}`,
    ...revisionLines(state),
    `manifest dir:  ${state.manifestDir}`,
    ...policyLines(state),
  ];
  const sync = state.lastSync;
  if (sync) {
    const c = sync.counts;
    const counts = c ? ` (${c.created} created, ${c.updated} updated, ${c.deleted} deleted, ${c.unchanged} unchanged, ${c.conflicts} conflicts)` : "";
    lines.push(`last sync:     ${sync.time} ${sync.result}${counts}`);
  } else {
    lines.push("last sync:     (none yet)");
  }
  if (state.lastError) {
    lines.push(`last error:    ${state.lastError.time} ${state.lastError.message}`);
    for (const e of state.lastError.errors ?? []) {
      const origin = e.origin ?? { source: "", document: 0 };
      const where = e.origin ? `${e.origin.source}#${e.origin.document}: ` : "";
      lines.push(`  * ${where}${formatError({ ...e, type: e.type as ErrorType, origin })}`);
    }
    const shown = state.lastError.errors?.length ?? 0;
    const { errorCount } = state.lastError;
    if (errorCount !== undefined && errorCount > shown) lines.push(`  … and ${errorCount - shown} more`);
  } else {
    lines.push("last error:    (none)");
  }
  lines.push(...kubeletLines(state));
  lines.push(`managed pods:  ${state.managed.length}`);
  const states = new Map((state.pods ?? []).map((p) => [p.file, p]));
  for (const m of state.managed) {
    const observed = states.get(m.file);
    const what = observed === undefined ? "" : `  ${observed.state}${observed.reason === undefined ? "" : ` (${observed.reason})`}`;
    lines.push(`  ${m.pod ?? "-"}  ${m.file}  sha256:${m.sha256.slice(0, 12)}${what}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `--kubelet`: whether the kubelet answered, since when, and the count of pods in each state. */
function kubeletLines(state: DaemonState): string[] {
  if (state.kubelet === undefined) return [];
  const { url, reachable, since, error } = state.kubelet;
  const counts = new Map<string, number>();
  for (const p of state.pods ?? []) counts.set(p.state, (counts.get(p.state) ?? 0) + 1);
  const summary = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${n} ${s}`).join(", ");
  return [reachable
    ? `kubelet:       ${url} answering since ${since}${summary === "" ? "" : ` (${summary})`}`
    : `kubelet:       ${url} not answering since ${since}: ${error ?? "unknown error"} (pod states unknown)`];
}

/** The policy in force and, when the file now holds something else, why that is not in force. */
function policyLines(state: DaemonState): string[] {
  if (state.policy === undefined) return [];
  const lines = [`policy:        ${state.policy.path} (${state.policy.summary})`];
  if (state.policy.error !== undefined) lines.push(`policy error:  ${state.policy.error} (the previous policy stays in force)`);
  return lines;
}

/** The latest revision read and, when the directory holds another one, that one: both labelled. */
function revisionLines(state: DaemonState): string[] {
  if (state.revision === undefined) return ["revision:      (none yet)"];
  if (state.appliedRevision === undefined || state.appliedRevision === state.revision) {
    return [`revision:      ${state.revision}${state.appliedRevision === undefined ? " (latest read, nothing applied yet)" : " (latest read, applied)"}`];
  }
  return [
    `revision:      ${state.revision} (latest read, not applied: ${state.lastSync?.result ?? "pending"})`,
    `applied:       ${state.appliedRevision} (what the directory holds)`,
  ];
}

/** Signal 0 checks existence only; EPERM means it exists under another user. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if (typeof err === "object" && err !== null && "code" in err && err.code === "EPERM") return true;
    if (typeof err === "object" && err !== null && "code" in err && err.code === "ESRCH") return false;
    throw err;
  }
}
