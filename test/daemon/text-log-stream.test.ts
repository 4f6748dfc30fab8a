import { describe, expect, it } from "vitest";
import { formatTextLine } from "../../src/daemon/text-log-stream.js";

describe("formatTextLine", () => {
  it("prints time, level, event and fields", () => {
    const line = JSON.stringify({ level: "info", time: Date.UTC(2026, 0, 1, 12, 30, 5, 7), pid: 1, event: "sync.applied", created: 2, revision: "abc 1" });
    expect(formatTextLine(line)).toBe('12:30:05.007 INFO  sync.applied created=2 revision="abc 1"\n');
  });
  it("prints each field error on its own line, kubectl style", () => {
    const line = JSON.stringify({
      level: "warn", time: 0, event: "sync.invalid",
      errors: [{ origin: { source: "gce:kube-pods", document: 1, line: 3 }, line: 9, field: "spec.containers[0].image", type: "Required value", rule: "container.image.required" }],
    });
    expect(formatTextLine(line).split("\n")).toEqual([
      "00:00:00.000 WARN  sync.invalid errors=1",
      "    * gce:kube-pods#1:9 spec.containers[0].image: Required value [container.image.required]",
      "",
    ]);
  });
  it("prints a bad value's error without the value: payload values stay out of logs", () => {
    const error = { origin: { source: "pods.yaml", document: 0 }, field: "spec.containers[0].ports[0].containerPort", type: "Invalid value", rule: "container.port.containerPort.range", detail: "must be between 1 and 65535, inclusive" };
    const expected = "    * pods.yaml#0 spec.containers[0].ports[0].containerPort: Invalid value: must be between 1 and 65535, inclusive [container.port.containerPort.range]";
    // As the daemon logs it (value dropped), and with a value that slipped through anyway.
    for (const logged of [error, { ...error, value: 800000 }]) {
      const text = formatTextLine(JSON.stringify({ level: "error", time: 0, event: "sync.invalid", errors: [logged] }));
      expect(text.split("\n")[1]).toBe(expected);
      expect(text).not.toContain("800000");
    }
  });
});
