// Bounded concurrency for the manifest directory's file operations: each one is a trip through
// libuv's thread pool, and a directory of 110 pods one after another is 110 trips in a row.

/**
 * File operations in flight at once: above libuv's 4 threads, so the pool never waits on the
 * loop. fsyncs in flight together share the filesystem's journal commits; more adds little.
 */
export const IO_CONCURRENCY = 16;

/** Runs `work` over `items` with at most `limit` in flight; the first failure rejects after the rest settle. */
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
