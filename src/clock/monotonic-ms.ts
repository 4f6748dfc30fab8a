// Milliseconds on a monotonic clock, for intervals and deadlines within one process. It is
// performance.now()'s clock, but performance's first use loads Node's perf_hooks, eleven
// modules, about 2.5 ms of every daemon start; process.hrtime is loaded already.
export function monotonicMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}
