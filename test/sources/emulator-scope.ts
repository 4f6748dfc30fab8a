// The set-up every source test against the emulator shares: one emulator and one watch
// cursor per test, both closed after it.
import { afterEach } from "vitest";
import type { EmulatorKind } from "../../src/emulator/emulator-state.js";
import type { Source } from "../../src/sources/source.js";
import { startEmulatorFixture, type EmulatorFixture } from "../emulator/emulator-fixture.js";
import { watchSource, type WatchCursor } from "./watch-cursor.js";

export interface EmulatorScope {
  start(kind: EmulatorKind, content: string | Buffer | undefined): Promise<EmulatorFixture>;
  watch(source: Source): WatchCursor;
}

/** Call inside a describe block: registers the afterEach that closes what the test opened. */
export function useEmulatorScope(): EmulatorScope {
  let fixture: EmulatorFixture | undefined;
  let cursor: WatchCursor | undefined;
  afterEach(async () => {
    await cursor?.stop();
    await fixture?.close();
    cursor = undefined;
    fixture = undefined;
  });
  return {
    start: async (kind, content) => (fixture = await startEmulatorFixture(kind, content)),
    watch: (source) => (cursor = watchSource(source)),
  };
}
