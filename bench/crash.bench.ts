// Crash consistency at bench scale: the test suite's SIGKILL rounds (test/crash/), with more
// kills. Every kill is checked (every non-dot file exactly one valid pod) and the last run
// must converge; a failure prints the seed that replays it.
// Run: npm run build && node --import tsx bench/crash.bench.ts [kills] [daemon|driver] [seed]
// (default 300 kills of the built `rower run`, random seed)
import { runCrashRounds, type CrashRunner } from "../test/crash/crash-rounds.js";

const kills = Number(process.argv[2] ?? 300);
const runner = (process.argv[3] ?? "daemon") as CrashRunner;
const seed = Number(process.argv[4] ?? Math.floor(Math.random() * 1_000_000));
if (!Number.isInteger(kills) || kills < 1 || !Number.isInteger(seed) || (runner !== "daemon" && runner !== "driver")) {
  throw new Error("usage: crash.bench.ts [kills] [daemon|driver] [seed]");
}

const report = await runCrashRounds({ kills, seed, runner });
const rows: Array<[string, string]> = [
  ["SIGKILLs (each followed by a full directory check)", String(report.kills)],
  ["runner", runner === "daemon" ? "rower run --once (built)" : "apply-stream driver"],
  ["processes started", String(report.rounds + 1)],
  ["kills that left a temp file (caught mid-write)", String(report.killsLeavingTempFiles)],
  ["files checked after kills", String(report.filesChecked)],
  ["wall time", `${(report.durationMs / 1000).toFixed(1)} s (${(report.durationMs / report.kills).toFixed(0)} ms per kill)`],
  ["seed", String(report.seed)],
];
const width = Math.max(...rows.map(([k]) => k.length));
// runCrashRounds throws on the first bad file or a failed convergence, so reaching here means both held.
process.stdout.write(`crash consistency: every check passed, final run converged\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n")}\n`);
