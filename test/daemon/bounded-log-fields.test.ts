import { describe, expect, it } from "vitest";
import { boundLogFields, MAX_LOG_LINE_BYTES } from "../../src/daemon/bounded-log-fields.js";
import { createLogger } from "../../src/daemon/logger.js";

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe("boundLogFields", () => {
  it("leaves small fields as they are (the same object)", () => {
    const fields = { revision: "r1", errors: [{ field: "a" }] };
    expect(boundLogFields(fields)).toBe(fields);
  });

  it("shortens a list of 299,584 errors to what fits, saying how many were left out", () => {
    const errors = Array.from({ length: 299_584 }, (_, i) => ({ field: `spec.containers[${i}].image`, type: "Required value", rule: "r" }));
    const bounded = boundLogFields({ revision: "r1", errorCount: errors.length, errors });
    expect(size(bounded)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect(bounded.revision).toBe("r1");
    const kept = (bounded.errors as unknown[]).length;
    expect(kept).toBeGreaterThan(0);
    expect(bounded.errorsOmitted).toBe(errors.length - kept);
  });

  it("cuts a long string, keeping its start", () => {
    const bounded = boundLogFields({ message: "m".repeat(100_000) });
    expect(size(bounded)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect(bounded.message).toMatch(/^m{1024}… \(98976 more characters\)$/);
  });

  it("names by size what no cutting can fit (many medium strings)", () => {
    const bounded = boundLogFields(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "v".repeat(900)])));
    expect(size(bounded)).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect(Object.values(bounded)).toContain("(omitted: 902 bytes)");
  });

  it("the daemon's logger writes no line over the bound, escaped", () => {
    const lines: string[] = [];
    const log = createLogger({ format: "json", destination: { write: (line: string) => { lines.push(line); } } });
    log.error("sync.invalid", { errors: Array.from({ length: 5_000 }, (_, i) => ({ field: `f${i}`, detail: "d".repeat(200) })) });
    expect(lines).toHaveLength(1);
    expect(Buffer.byteLength(lines[0] ?? "")).toBeLessThanOrEqual(MAX_LOG_LINE_BYTES);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ event: "sync.invalid", errorsOmitted: expect.any(Number) });
  });
});
