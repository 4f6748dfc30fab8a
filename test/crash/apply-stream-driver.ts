// A process that keeps the manifest directory following a stream of changing pod sets
// through the real pipeline (decode, validate, render, observe, plan, apply), printing one
// line per event so the crash test can SIGKILL it at a random point of its work.
// Usage: apply-stream-driver DIR SEED START loop|once|COUNT NODE [crash|steady]
// (loop: sets START, START+1, ... until killed; COUNT: that many sets, then exit)
import { resolveDesiredSet } from "../../src/daemon/desired-set.js";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { applyPlan } from "../../src/manifests/apply-plan.js";
import { observeDirectory } from "../../src/manifests/observe-directory.js";
import { planManifests } from "../../src/manifests/plan-manifests.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { validateDocuments } from "../../src/validate/validate-documents.js";
import { podSetYaml, steadyPodSetYaml } from "./pod-set.js";

const [dir, seedText, startText, mode, nodeName, stream = "crash"] = process.argv.slice(2);
const count = mode === "loop" ? Infinity : mode === "once" ? 1 : Number(mode);
if (!dir || !seedText || !startText || !(count > 0) || !nodeName || (stream !== "crash" && stream !== "steady")) {
  throw new Error("usage: apply-stream-driver DIR SEED START loop|once|COUNT NODE [crash|steady]");
}
const seed = Number(seedText);
const start = Number(startText);
const setYaml = stream === "steady" ? steadyPodSetYaml : podSetYaml;

for (let index = start; index < start + count; index++) {
  const bytes = Buffer.from(setYaml(seed, index));
  const payload = { kind: "present" as const, source: `set-${index}`, revision: String(index), bytes };
  const desired = resolveDesiredSet(payload, { decodePayload, validateDocuments, renderManifest }, { maxBytes: 524_288, nodeName, keepOnAbsent: false });
  if (desired.kind !== "set") throw new Error(`pod set ${index} of seed ${seed} is not a valid set: ${JSON.stringify(desired)}`);
  const plan = planManifests(desired.manifests, await observeDirectory(dir));
  const result = await applyPlan(plan, { dir, log: (event, fields) => process.stdout.write(`${event} ${String(fields["file"])}\n`) });
  if (result.conflicts > 0) throw new Error(`set ${index}: conflicts ${JSON.stringify(result.conflictList)}`);
  process.stdout.write(`applied ${index}\n`);
}
