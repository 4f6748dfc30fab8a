// rower's schema layer against the real kubectl 1.32 strict check, on every fixture under
// test/fixtures/** (read at test time, so other areas' fixtures count too): the verdict
// must agree, and so must the set of unknown fields. Only schema errors kubectl can see
// take part (see isVisibleToKubectl); semantic rules are not kubectl's business.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { checkSchema } from "../../src/validate/schema/check-schema.js";
import {
  isVisibleToKubectl, kubectlOfflineUnavailable, parseUnknownFields, runKubectlStrict, runKubectlStrictOnFiles, type KubectlVerdict,
} from "../support/kubectl-offline.js";

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures");
// kubectl-strict.sh costs about 0.5 s a call, so fixtures go in batches: two at a time, for CI's two cores.
const KUBECTL_BATCHES = 2;

function listFixtures(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFixtures(full);
    return /\.(ya?ml|json)$/.test(entry.name) ? [full] : [];
  });
}

interface RowerVerdict { accepted: boolean; unknownFields: string[]; visibleErrors: string[] }

/** rower's schema verdict on a file, or undefined when it does not decode (not a schema question). */
function judgeWithRower(file: string): RowerVerdict | undefined {
  const decoded = decodePayload(readFileSync(file), { source: file });
  if (decoded.kind !== "documents") return undefined;
  const visible = decoded.documents.flatMap((d) => checkSchema(d.value)).filter(isVisibleToKubectl);
  return {
    accepted: visible.length === 0,
    unknownFields: visible.filter((e) => e.rule === "schema.unknownField").map((e) => e.field).sort(),
    visibleErrors: visible.map((e) => `${e.field}: ${e.type} (${e.rule})`),
  };
}

const unavailable = kubectlOfflineUnavailable();
if (unavailable) console.warn(`skipping the kubectl differential test: ${unavailable}`);

const relative = (file: string): string => path.relative(FIXTURES, file);
const all = listFixtures(FIXTURES).sort().map((file) => ({ name: relative(file), file, rower: judgeWithRower(file) }));
// Files that do not decode are decode's business (e.g. duplicate keys, which kubectl lets win last).
const judged = all.filter((f): f is typeof f & { rower: RowerVerdict } => f.rower !== undefined);
const undecodable = all.filter((f) => f.rower === undefined).map((f) => f.name);
if (undecodable.length > 0) console.warn(`kubectl differential: not compared, rower cannot decode: ${undecodable.join(", ")}`);
const files = judged.map((f) => f.file);

describe.skipIf(unavailable !== undefined)("rower's schema layer agrees with kubectl --validate=strict", () => {
  const kubectl = new Map<string, KubectlVerdict>();

  beforeAll(async () => {
    const batches = Array.from({ length: KUBECTL_BATCHES }, (_, b) => files.filter((_, i) => i % KUBECTL_BATCHES === b));
    for (const verdicts of await Promise.all(batches.map((batch) => runKubectlStrictOnFiles(batch)))) {
      for (const [file, verdict] of verdicts) kubectl.set(file, verdict);
    }
  }, 120_000);

  it("covers the fixture folders", () => {
    const folders = new Set(files.map((f) => relative(f).split(path.sep)[0]));
    expect(folders.has("schema")).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(judged)("$name", ({ file, rower }) => {
    const theirs = kubectl.get(file) as KubectlVerdict;
    const context = `kubectl: ${theirs.output.trim()}\nrower, errors kubectl can see: ${rower.visibleErrors.join("; ") || "none"}`;
    expect({ accepted: rower.accepted, unknownFields: rower.unknownFields }, context)
      .toEqual({ accepted: theirs.accepted, unknownFields: [...theirs.unknownFields].sort() });
  });
});

describe("reading kubectl's output", () => {
  const cases = [
    { desc: "top level", output: 'ValidationError(Pod): unknown field "specs" in io.k8s.api.core.v1.Pod', fields: ["specs"] },
    {
      desc: "two at once",
      output: 'error validating data: [ValidationError(Pod.metadata): unknown field "lables" in io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta, ValidationError(Pod.spec.containers[0]): unknown field "imagee" in io.k8s.api.core.v1.Container]',
      fields: ["metadata.lables", "spec.containers[0].imagee"],
    },
    { desc: "other errors name no unknown field", output: 'ValidationError(Pod.spec): missing required field "containers" in io.k8s.api.core.v1.PodSpec', fields: [] },
  ];
  it.each(cases)("$desc", ({ output, fields }) => {
    expect(parseUnknownFields(output)).toEqual(fields);
  });
});

describe.skipIf(unavailable !== undefined)("the batched kubectl run", () => {
  it("gives the same verdicts as one kubectl call per file", async () => {
    const sample = ["schema/valid-minimal.yaml", "schema/unknown-several.yaml", "schema/required-containers.yaml"].map((f) => path.join(FIXTURES, f));
    const batched = await runKubectlStrictOnFiles(sample);
    for (const file of sample) {
      const single = await runKubectlStrict(file);
      const batch = batched.get(file) as KubectlVerdict;
      expect({ accepted: batch.accepted, unknownFields: batch.unknownFields.sort() }, file)
        .toEqual({ accepted: single.accepted, unknownFields: single.unknownFields.sort() });
    }
    expect([...sample].map((f) => batched.get(f)?.accepted)).toEqual([true, false, false]);
  }, 60_000);
});
