import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/daemon/logger.js";
import { createTextLogStream } from "../../src/daemon/text-log-stream.js";
import { EventRecorder } from "./event-recorder.js";

describe("createLogger", () => {
  it("writes one JSON line per event with the event name, level label and fields", () => {
    const recorder = new EventRecorder();
    const log = createLogger({ format: "json", destination: recorder.destination });
    log.info("sync.applied", { created: 1, revision: "r1" });
    log.warn("source.error", { kind: "timeout" });
    log.debug("hidden.below.info", {});
    expect(recorder.events).toEqual([
      expect.objectContaining({ level: "info", event: "sync.applied", created: 1, revision: "r1", pid: process.pid }),
      expect.objectContaining({ level: "warn", event: "source.error", kind: "timeout" }),
    ]);
  });

  it("text format turns the same events into readable lines", () => {
    const lines: string[] = [];
    const log = createLogger({ format: "text", destination: createTextLogStream({ write: (line) => lines.push(line) }) });
    log.error("sync.invalid", { errors: [{ field: "spec.containers", type: "Required value", rule: "pod.containers.required", origin: { source: "s", document: 0 } }] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR sync\.invalid errors=1\n {4}\* s#0 spec\.containers: Required value \[pod\.containers\.required\]\n$/);
  });
});
