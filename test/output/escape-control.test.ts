import { describe, expect, it } from "vitest";
import { escapeControl } from "../../src/output/escape-control.js";

describe("escapeControl", () => {
  const cases: Array<[string, string, string]> = [
    ["ESC of a colour sequence", "a\u001b[31mred", "a\\u001b[31mred"],
    ["BEL", "ring\u0007", "ring\\u0007"],
    ["carriage return (overwrites the line)", "ok\rFAKE", "ok\\u000dFAKE"],
    ["DEL and a C1 CSI", "\u007f\u009b2J", "\\u007f\\u009b2J"],
    ["a bidi override", "abc\u202edcb", "abc\\u202edcb"],
    ["newline and tab stay", "a\tb\nc", "a\tb\nc"],
    ["printable Unicode stays", "façade ✓ 名前", "façade ✓ 名前"],
  ];
  for (const [desc, input, expected] of cases) it(desc, () => expect(escapeControl(input)).toBe(expected));

  it("keeps a JSON line JSON, with the same value", () => {
    const value = { key: "x\u009b\u202ey\u007f" };
    const line = escapeControl(JSON.stringify(value));
    expect(line).not.toMatch(/[\u007f-\u009f\u202e]/);
    expect(JSON.parse(line)).toEqual(value);
  });
});
