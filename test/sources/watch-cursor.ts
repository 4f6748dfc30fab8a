// Pulls a source's watch one value at a time, and stops it when the test is done.
import type { Payload, Source, SourceError } from "../../src/sources/source.js";

export interface WatchCursor {
  next(): Promise<Payload | SourceError>;
  stop(): Promise<void>;
}

export function watchSource(source: Source): WatchCursor {
  const controller = new AbortController();
  const iterator = source.watch(controller.signal)[Symbol.asyncIterator]();
  return {
    async next() {
      const step = await iterator.next();
      if (step.done === true) throw new Error("watch ended");
      return step.value;
    },
    async stop() {
      controller.abort();
      await iterator.return?.(undefined);
    },
  };
}

export function text(item: Payload | SourceError): string {
  if (item.kind !== "present") return `<${item.kind}>`;
  return Buffer.from(item.bytes).toString("utf8");
}
