// The shape every soak row shares, and the table they fill.

export interface TrialResult {
  lostFiles: number;
  partialFiles: number;
  mixedSets: number;
  /** From the fault's end (or the change) to the directory holding the declared set. */
  convergeMs?: number;
  peakRssKb?: number;
  /** A row's own figure (requests/s, rewrites, survivors...), one short phrase. */
  note?: string;
  /** Something the row's rule demands beyond the three loss columns (the daemon alive, one lock holder...). */
  failure?: string;
}

export interface SoakRow {
  /** The fault or input class, as the table prints it. */
  name: string;
  /** Trials in a full soak (`--quick` runs one). */
  trials: number;
  /** `quick`: one small trial (CI runs each row so), rather than the soak's full size. */
  trial(index: number, options: { quick: boolean }): Promise<TrialResult>;
}

export interface RowSummary {
  name: string;
  trials: number;
  lostFiles: number;
  partialFiles: number;
  mixedSets: number;
  convergeP50Ms?: number;
  convergeP99Ms?: number;
  peakRssMb?: number;
  notes: string[];
  failures: string[];
  /** Commits the observer caught between their first and last rename, over all trials, and the longest. */
  midRename: { commits: number; longestMs: number };
}

const MID_RENAME = /(\d+) commit\(s\) caught mid-rename, longest ([\d.]+) ms/;
/** Distinct per-trial notes kept in the table; the rest are counted. */
const MAX_NOTES = 3;

export async function runRow(row: SoakRow, trials: number, progress: (line: string) => void, quick = false): Promise<RowSummary> {
  const summary: RowSummary = { name: row.name, trials: 0, lostFiles: 0, partialFiles: 0, mixedSets: 0, notes: [], failures: [], midRename: { commits: 0, longestMs: 0 } };
  const converge: number[] = [];
  let peakKb = 0;
  for (let i = 0; i < trials; i++) {
    let result: TrialResult;
    try {
      result = await row.trial(i, { quick });
    } catch (err) {
      result = { lostFiles: 0, partialFiles: 0, mixedSets: 0, failure: `trial ${i}: ${(err as Error).message}` };
    }
    summary.trials++;
    summary.lostFiles += result.lostFiles;
    summary.partialFiles += result.partialFiles;
    summary.mixedSets += result.mixedSets;
    if (result.convergeMs !== undefined) converge.push(result.convergeMs);
    if (result.peakRssKb !== undefined) peakKb = Math.max(peakKb, result.peakRssKb);
    for (const part of (result.note ?? "").split("; ")) {
      const mix = MID_RENAME.exec(part);
      if (mix) {
        summary.midRename.commits += Number(mix[1]);
        summary.midRename.longestMs = Math.max(summary.midRename.longestMs, Number(mix[2]));
      } else if (part !== "" && !summary.notes.includes(part)) summary.notes.push(part);
    }
    if (result.failure !== undefined) summary.failures.push(result.failure);
    progress(`  ${row.name}: trial ${i + 1}/${trials}${result.failure ? ` FAILED ${result.failure}` : ""}`);
  }
  if (converge.length > 0) {
    converge.sort((a, b) => a - b);
    summary.convergeP50Ms = quantile(converge, 0.5);
    summary.convergeP99Ms = quantile(converge, 0.99);
  }
  if (peakKb > 0) summary.peakRssMb = peakKb / 1024;
  return summary;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

export function formatTable(rows: RowSummary[]): string {
  const ms = (v: number | undefined): string => (v === undefined ? "-" : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`);
  const lines = [
    "| fault or input class | trials | managed files lost | partial files seen | mixed sets seen | converge p50 / p99 | peak RSS | notes |",
    "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |",
  ];
  for (const r of rows) {
    const kept = r.notes.length > MAX_NOTES ? [...r.notes.slice(0, MAX_NOTES), `${r.notes.length - MAX_NOTES} more alike`] : r.notes;
    const midRename = r.midRename.commits > 0 ? [`${r.midRename.commits} commit(s) caught between their first and last rename (longest ${r.midRename.longestMs.toFixed(1)} ms)`] : [];
    const notes = [...kept, ...midRename, ...r.failures.map((f) => `FAILED: ${f}`)].join("; ") || "-";
    lines.push(`| ${r.name} | ${r.trials} | ${r.lostFiles} | ${r.partialFiles} | ${r.mixedSets} | ${ms(r.convergeP50Ms)} / ${ms(r.convergeP99Ms)} | ${r.peakRssMb === undefined ? "-" : `${r.peakRssMb.toFixed(0)} MB`} | ${notes} |`);
  }
  return `${lines.join("\n")}\n`;
}
