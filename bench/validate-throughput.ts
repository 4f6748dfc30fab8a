// One process's decode + validate throughput on a pod List file, printed as JSON: run by
// validate.bench.ts, once under rower's own V8 flags (the CLI and the daemon set them before
// any of rower's code loads, so the modules are loaded here only after them) and once with
// V8's optimizing compilers, as a program importing rower's modules would run them.
// Usage: node --import tsx bench/validate-throughput.ts FILE ROUNDS [--rower-flags]
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { forgoOptimizingCompilers } from "../src/cli/forgo-optimizing-compilers.js";

const [file, roundsArg, flags] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: validate-throughput.ts FILE ROUNDS [--rower-flags]");
if (flags === "--rower-flags") forgoOptimizingCompilers();
const { decodePayload } = await import("../src/decode/decode-payload.js");
const { validateDocuments } = await import("../src/validate/validate-documents.js");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const bytes = readFileSync(file);
const rounds = Number(roundsArg ?? 7);
const totalTimes: number[] = [];
const decodeTimes: number[] = [];
const validateTimes: number[] = [];
let pods = 0;
for (let r = 0; r < rounds; r++) {
  const begin = performance.now();
  let start = begin;
  const decoded = decodePayload(bytes, { source: "bench", maxBytes: bytes.length });
  decodeTimes.push(performance.now() - start);
  if (decoded.kind !== "documents") throw new Error(`bench List did not decode: ${JSON.stringify(decoded).slice(0, 500)}`);
  start = performance.now();
  const result = validateDocuments(decoded.documents, { nodeName: "n".repeat(63) });
  validateTimes.push(performance.now() - start);
  totalTimes.push(performance.now() - begin);
  if (!result.valid) throw new Error(`bench List is invalid: ${JSON.stringify(result.documents.find((d) => d.errors.length)).slice(0, 500)}`);
  pods = decoded.documents.length;
}
const rate = (times: number[]): number => (pods / median(times)) * 1000;
process.stdout.write(`${JSON.stringify({ total: rate(totalTimes), decode: rate(decodeTimes), validate: rate(validateTimes), pods })}\n`);
