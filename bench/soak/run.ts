// `npm run soak`: every reliability row of issue 9 many times against the built CLI, then
// one table: fault or input class, trials, managed files lost, partial files seen, mixed
// sets seen (targets 0, 0, 0), time to converge after the fault, peak RSS.
//   --quick        one trial per row (what CI runs, through test/soak)
//   --only WORD    rows whose name contains WORD
//   --write        also write docs/reliability.md with the date and the machine
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { formatTable, runRow, type RowSummary } from "./row.js";
import { SOAK_ROWS } from "./rows/index.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const write = args.includes("--write");
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] ?? "" : "";

const started = new Date();
const summaries: RowSummary[] = [];
for (const row of SOAK_ROWS.filter((r) => r.name.includes(only))) {
  process.stderr.write(`${row.name}\n`);
  summaries.push(await runRow(row, quick ? 1 : row.trials, (line) => process.stderr.write(`${line}\n`), quick));
}
const table = formatTable(summaries);
process.stdout.write(table);
const lossless = summaries.every((s) => s.lostFiles + s.partialFiles + s.mixedSets === 0 && s.failures.length === 0);

if (write) {
  const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(1);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
  writeFileSync(new URL("../../docs/reliability.md", import.meta.url), [
    "# Reliability: faults and hostile input, measured",
    "",
    `\`npm run soak\` on ${started.toISOString().slice(0, 10)} (${minutes} min), on ${machine}.`,
    "Each row runs the built `rower run` (and `rower emulate` where a metadata server is involved) in",
    "real processes; an observer reads the manifest directory as fast as it can throughout and checks",
    "every sample against the sets some revision declared (see bench/soak/observer.ts):",
    "",
    "- **managed files lost**: a file of a pod that should have stayed went missing;",
    "- **partial files seen**: a file held bytes no declared revision gives it (torn, or from a value nobody declared, such as a truncated body);",
    "- **mixed sets seen**: every file was some revision's, but the directory as a whole was no revision's set;",
    "- **converge**: from the fault (or the change) to the directory holding the declared set.",
    "- **notes**: the row's own figures; \"caught between their first and last rename\" counts commits the observer sampled while a",
    "  multi-file apply was renaming its staged files into place (rename is atomic per file, not per directory; every file",
    "  is staged and fsynced before the first rename, so this window is the renames alone, and no apply ended in it).",
    "",
    table,
    lossless ? "Every loss column is zero." : "**Some rows lost, tore or mixed files: see the notes.**",
    "",
  ].join("\n"));
}
process.exitCode = lossless ? 0 : 1;
