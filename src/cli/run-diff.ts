// `rower diff`: what one sync would do to the manifest directory, as a unified diff per file
// plus a summary line, without touching anything. It takes the daemon's own path (decode,
// validate, render through resolveDesiredSet; observe and plan with the state file's record),
// so the diff is exactly what `rower run` would apply.
// Exit 0 nothing to do, 1 changes, 2 usage, I/O, invalid input or conflicts (a sync would fail).
import { writeEscaped } from "../output/escape-control.js";
import { join } from "node:path";
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import type { Config } from "../config/config.js";
import { sourceOptionsOf } from "../config/source-options-of.js";
import { loadConfig } from "../config/load-config.js";
import { resolveDesiredSet, validateOptionsOf, type DesiredSetOptions, type PipelineSteps, type RefusedPayload } from "../daemon/desired-set.js";
import type { Policy } from "../policy/policy.js";
import { ownedFilesFor, readState } from "../daemon/state-file.js";
import { decodePayload } from "../decode/decode-payload.js";
import type { ManifestPlan, ObservedEntry } from "../manifests/manifest-plan.js";
import { isPlanEmpty } from "../manifests/manifest-plan.js";
import { ManifestIoError } from "../manifests/manifest-io-error.js";
import { observeDirectory } from "../manifests/observe-directory.js";
import { planManifests } from "../manifests/plan-manifests.js";
import { renderManifest } from "../manifests/render-manifest.js";
import { createSource } from "../sources/create-source.js";
import type { Payload } from "../sources/source.js";
import { formatText, needsOriginPrefix } from "../validate/format-text.js";
import { validateDocuments, type ValidateOptions } from "../validate/validate-documents.js";
import { validateInputs } from "../validate/validate-inputs.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import { readInput } from "./read-input.js";

const STEPS: PipelineSteps = { decodePayload, validateDocuments, renderManifest };
// A one-shot read must not hang a script on an unreachable metadata server.
const SOURCE_READ_TIMEOUT_MS = 30_000;

export async function runDiff(input: string | undefined, flags: Record<string, unknown>): Promise<number> {
  const fail = (message: string): number => {
    writeEscaped(process.stderr, `rower diff: ${message}\n`);
    return EXIT_USAGE;
  };
  const parsed = loadConfig(flags);
  if (!parsed.ok) return fail(parsed.message);
  const config = parsed.config;

  let steps = STEPS;
  let policy: Policy | undefined;
  if (config.policy !== undefined) {
    // Loaded only with --policy, as in the daemon.
    const { loadPolicyCheck } = await import("../policy/load-policy-check.js");
    const { compilePolicy } = await import("../policy/check-policy.js");
    const loaded = await loadPolicyCheck(config.policy);
    if (!loaded.ok) return fail(`invalid policy ${config.policy}: ${loaded.problems.join("; ")}`);
    policy = loaded.policy;
    steps = { ...STEPS, compilePolicy };
  }
  const options: DesiredSetOptions = { maxBytes: config.maxBytes, nodeName: config.nodeName, keepOnAbsent: config.keepOnAbsent, ...(policy === undefined ? {} : { policy }) };

  const read = input === undefined ? await readSource(config) : await readFileInput(input, config.maxBytes);
  if (read.kind === "error") return fail(read.message);
  // --trust guards what comes from the source; a FILE given here is the operator's own input.
  const payload = input === undefined && config.trust.length > 0 ? await verifyWithTrust(read, config.trust) : read;
  if (payload.kind === "error") return fail(payload.message);
  if (payload.kind === "refused") return fail(`${payload.source}: ${payload.reason}: nothing would be applied`);

  const desired = resolveDesiredSet(payload, steps, options);
  if (desired.kind === "invalid") {
    writeEscaped(process.stderr, formatInvalid(payload, config, validateOptionsOf(steps, options)));
    return fail(`${payload.source} is invalid: nothing would be applied`);
  }
  if (desired.kind === "keep") {
    writeEscaped(process.stdout, "key absent and --keep-on-absent: nothing to do\n");
    return EXIT_OK;
  }

  try {
    const stored = await readState(config.stateDir);
    const record = stored.kind === "state" ? ownedFilesFor(stored.state, config.manifestDir) : undefined;
    const observed = await observeDirectory(config.manifestDir, record);
    const plan = planManifests(desired.manifests, observed);
    writeEscaped(process.stdout, formatPlanDiff(plan, observed.entries, config.manifestDir));
    for (const c of plan.conflicts) {
      writeEscaped(process.stderr, `rower diff: conflict: ${c.file}: ${c.reason}${c.foreignFile ? ` (${c.foreignFile})` : ""}\n`);
    }
    // The daemon refuses a set with conflicts whole: the sync would fail, not change anything.
    if (plan.conflicts.length > 0) return fail(`${plan.conflicts.length} conflict(s): a sync would apply nothing until they are resolved`);
    return isPlanEmpty(plan) ? EXIT_OK : EXIT_INVALID;
  } catch (err) {
    if (err instanceof ManifestIoError) return fail(err.message);
    throw err;
  }
}

/** Per changed file a unified diff (creates from /dev/null, deletes to it), then a summary line. */
export function formatPlanDiff(plan: ManifestPlan, entries: readonly ObservedEntry[], dir: string): string {
  const patch = (oldName: string, newName: string, oldText: string, newText: string): string =>
    createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
  const before = new Map(entries.map((e) => [e.name, e.content ? Buffer.from(e.content).toString("utf8") : ""]));
  const changes: Array<{ file: string; patch: string }> = [
    ...plan.create.map((w) => ({ file: w.file, patch: patch("/dev/null", join(dir, w.file), "", w.content) })),
    ...plan.update.map((w) => ({ file: w.file, patch: patch(join(dir, w.file), join(dir, w.file), before.get(w.file) ?? "", w.content) })),
    ...plan.delete.map((d) => ({ file: d.file, patch: patch(join(dir, d.file), "/dev/null", before.get(d.file) ?? "", "") })),
  ];
  changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const summary = `${plan.create.length} to create, ${plan.update.length} to update, ${plan.delete.length} to delete, ` +
    `${plan.unchanged.length} unchanged, ${plan.conflicts.length} conflicts\n`;
  return changes.map((c) => c.patch).join("") + summary;
}

async function verifyWithTrust(payload: Payload, paths: readonly string[]): Promise<Payload | RefusedPayload | { kind: "error"; message: string }> {
  const [{ readTrustedKeys }, { verifyRevision }] = await Promise.all([import("../trust/signing-keys.js"), import("../trust/verify-revision.js")]);
  const keys = await readTrustedKeys(paths);
  return keys.ok ? verifyRevision(payload, keys.value) : { kind: "error", message: `--trust: ${keys.message}` };
}

async function readFileInput(spec: string, maxBytes: number): Promise<Payload | { kind: "error"; message: string }> {
  const read = await readInput(spec, maxBytes);
  if (!read.ok) return { kind: "error", message: read.message };
  return { kind: "present", source: read.source, revision: "input", bytes: read.bytes };
}

async function readSource(config: Config): Promise<Payload | { kind: "error"; message: string }> {
  const source = createSource(config.source, sourceOptionsOf(config));
  const result = await source.read(AbortSignal.timeout(SOURCE_READ_TIMEOUT_MS));
  if (result.kind === "error") return { kind: "error", message: `cannot read ${result.source}: ${result.message}` };
  return result;
}

/** The validate text format for the refused payload (decode errors included). */
function formatInvalid(payload: Payload, config: Config, validateOptions: ValidateOptions): string {
  if (payload.kind !== "present") return "";
  const decoded = decodePayload(payload.bytes, { source: payload.source, maxBytes: config.maxBytes });
  const result = validateInputs([{ source: payload.source, decoded }], validateOptions);
  return formatText(result, { prefix: needsOriginPrefix(result, 1) });
}
