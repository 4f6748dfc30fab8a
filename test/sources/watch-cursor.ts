// Pulls a source's watch one value at a time, and stops it when the test is done.
import type { Payload, Source, SourceContact, SourceError } from "../../src/sources/source.js";

export interface WatchCursor {
  /** The next revision or error; contacts on the way are counted, not returned. */
  next(): Promise<Payload | SourceError>;
  /** The next item, a contact included. */
  nextItem(): Promise<Payload | SourceError | SourceContact>;
  /** Contacts seen so far (by next() and nextItem()). */
  readonly contacts: SourceContact[];
  stop(): Promise<void>;
}

export function watchSource(source: Source): WatchCursor {
  const controller = new AbortController();
  const iterator = source.watch(controller.signal)[Symbol.asyncIterator]();
  const contacts: SourceContact[] = [];
  const nextItem = async (): Promise<Payload | SourceError | SourceContact> => {
    const step = await iterator.next();
    if (step.done === true) throw new Error("watch ended");
    if (step.value.kind === "contact") contacts.push(step.value);
    return step.value;
  };
  return {
    contacts,
    nextItem,
    async next() {
      for (;;) {
        const item = await nextItem();
        if (item.kind !== "contact") return item;
      }
    },
    async stop() {
      controller.abort();
      await iterator.return?.(undefined);
    },
  };
}

export function text(item: Payload | SourceError | SourceContact): string {
  if (item.kind !== "present") return `<${item.kind}>`;
  return Buffer.from(item.bytes).toString("utf8");
}
