// Reading one-pod fixtures and reducing errors to what the tables assert.
import { readFileSync } from "node:fs";
import type { V1Pod } from "@kubernetes/client-node";
import { decodePayload } from "../../src/decode/decode-payload.js";
import type { FieldError } from "../../src/errors/field-error.js";

export const FIXTURES = new URL("../fixtures/", import.meta.url);

/** The one pod in `test/fixtures/<path>`, decoded the way rower decodes metadata. */
export function readFixturePod(path: string): V1Pod {
  const decoded = decodePayload(readFileSync(new URL(path, FIXTURES)), { source: path });
  if (decoded.kind !== "documents" || decoded.documents.length !== 1) throw new Error(`fixture ${path} does not hold one document`);
  return decoded.documents[0]?.value as V1Pod;
}

export const triples = (errs: FieldError[]): string[][] => errs.map((e) => [e.field, e.type, e.rule]);

export type Case = [file: string, errors: [field: string, type: string, rule: string][]];
