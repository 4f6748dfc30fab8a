// Collects JSON log lines (from pino in-process, or a child's stderr) and lets a test await
// the next line matching a predicate. The timeout exists only to fail a hung test.
export type LogEvent = Record<string, unknown> & { event?: string };

interface Waiter {
  from: number;
  match: (event: LogEvent) => boolean;
  resolve: (event: LogEvent) => void;
}

export class EventRecorder {
  readonly events: LogEvent[] = [];
  readonly raw: string[] = [];
  private waiters: Waiter[] = [];
  private partial = "";

  /** A pino destination. */
  readonly destination = { write: (line: string): void => this.push(line) };

  /** Feeds a chunk of a stream; complete lines are recorded. */
  feed(chunk: string): void {
    this.partial += chunk;
    const lines = this.partial.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.push(line);
  }

  push(line: string): void {
    const text = line.trim();
    if (text === "") return;
    this.raw.push(text);
    if (!text.startsWith("{")) return;
    const event = JSON.parse(text) as LogEvent;
    this.events.push(event);
    const index = this.events.length - 1;
    this.waiters = this.waiters.filter((waiter) => {
      if (index < waiter.from || !waiter.match(event)) return true;
      waiter.resolve(event);
      return false;
    });
  }

  /** The position after the last recorded event: pass it to `next` to see only later ones. */
  mark(): number {
    return this.events.length;
  }

  named(name: string, from = 0): LogEvent[] {
    return this.events.slice(from).filter((e) => e.event === name);
  }

  next(match: string | ((event: LogEvent) => boolean), from = 0, timeoutMs = 20_000): Promise<LogEvent> {
    const predicate = typeof match === "string" ? (e: LogEvent) => e.event === match : match;
    const found = this.events.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no ${typeof match === "string" ? match : "matching"} event within ${timeoutMs} ms; saw: ${this.raw.slice(-15).join("\n")}`));
      }, timeoutMs);
      this.waiters.push({
        from,
        match: predicate,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }
}

/** One-container pods, as the emulator serves them. */
export function podYaml(name: string, image = "nginx:1.27", extra = ""): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: main\n      image: ${image}\n${extra}`;
}

export function podsYaml(...docs: string[]): string {
  return docs.join("---\n");
}
