// Hands out promises' results in the order they settle. Promise.race over a promise that
// stays pending (the project scope's 60 s long poll while the instance key changes) adds a
// reaction to it on every call, and each reaction keeps its race and result alive until
// that promise settles: memory that grows with the edit rate. Here each promise gets one.
export class FirstSettled<T> {
  private readonly settled: ({ ok: true; value: T } | { ok: false; error: unknown })[] = [];
  private wake: (() => void) | undefined;

  add(promise: Promise<T>): void {
    promise.then(
      (value) => this.push({ ok: true, value }),
      (error: unknown) => this.push({ ok: false, error }),
    );
  }

  /** The next result to settle (rejects as that promise did). */
  async next(): Promise<T> {
    while (this.settled.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    const first = this.settled.shift();
    if (first === undefined || !first.ok) throw first?.error;
    return first.value;
  }

  private push(result: { ok: true; value: T } | { ok: false; error: unknown }): void {
    this.settled.push(result);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
