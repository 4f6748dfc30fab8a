// How a sync ended: the one vocabulary of `--once`'s exit code, the metrics' `result`
// label, the state file's `lastSync.result` and `rower status`.

export const SYNC_VERDICTS = ["applied", "unchanged", "kept", "invalid", "conflict", "failed", "source-error"] as const;

export type SyncVerdict = (typeof SYNC_VERDICTS)[number];

/** The verdicts after which the directory is what the latest revision declares (`--once` exits 0). */
export const SUCCESSFUL_VERDICTS: ReadonlySet<SyncVerdict> = new Set(["applied", "unchanged", "kept"]);
