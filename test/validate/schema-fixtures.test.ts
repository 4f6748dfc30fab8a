// Each schema fixture states its expected errors in `# expect: field | type | rule` lines
// (`# expect: none` for a valid pod); the same files feed the kubectl differential test.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { checkSchema } from "../../src/validate/schema/check-schema.js";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/schema");

function readExpectations(text: string): Array<{ field: string; type: string; rule: string }> {
  return [...text.matchAll(/^# expect: (.+)$/gm)]
    .map((m) => (m[1] as string).trim())
    .filter((line) => line !== "none")
    .map((line) => {
      const [field = "", type = "", rule = ""] = line.split("|").map((part) => part.trim());
      return { field, type, rule };
    });
}

const byField = (a: { field: string; rule: string }, b: { field: string; rule: string }): number =>
  a.field.localeCompare(b.field) || a.rule.localeCompare(b.rule);

const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith(".yaml")).sort();

describe("schema fixtures", () => {
  it("has at least 25 cases, each with an expectation", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    for (const file of fixtures) expect(readFileSync(path.join(FIXTURES, file), "utf8")).toMatch(/^# expect: /m);
  });

  it.each(fixtures)("%s", (file) => {
    const bytes = readFileSync(path.join(FIXTURES, file));
    const decoded = decodePayload(bytes, { source: file });
    if (decoded.kind !== "documents") throw new Error(`${file} did not decode: ${JSON.stringify(decoded)}`);
    const got = decoded.documents.flatMap((d) => checkSchema(d.value)).map(({ field, type, rule }) => ({ field, type, rule }));
    expect(got.sort(byField)).toEqual(readExpectations(bytes.toString("utf8")).sort(byField));
  });
});
