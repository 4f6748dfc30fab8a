// Runs the real kubectl 1.32 strict schema check offline (../shared/tools/kubectl-offline/),
// and says which of rower's schema errors kubectl's client-side check can see at all.
import { execFile, spawnSync } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FieldError } from "../../src/errors/field-error.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const KUBECTL_OFFLINE_DIR = path.resolve(REPO_ROOT, "../shared/tools/kubectl-offline");
const KUBECTL_STRICT = path.join(KUBECTL_OFFLINE_DIR, "kubectl-strict.sh");

export interface KubectlVerdict {
  accepted: boolean;
  /** Paths of the unknown fields kubectl named, in rower's notation (`spec.containers[0].imagee`). */
  unknownFields: string[];
  output: string;
}

/** Why the oracle cannot run here, or undefined when it can. */
export function kubectlOfflineUnavailable(): string | undefined {
  if (!existsSync(KUBECTL_STRICT)) return `${KUBECTL_STRICT} not found (the shared/ folder is not beside the repo)`;
  const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (kubectl.error || kubectl.status !== 0) return "kubectl is not installed";
  const python = spawnSync("python3", ["--version"], { encoding: "utf8" });
  if (python.error || python.status !== 0) return "python3 (needed by the fake API server) is not installed";
  return undefined;
}

/** `ValidationError(Pod.spec.containers[0]): unknown field "imagee" in …` → `spec.containers[0].imagee`. */
export function parseUnknownFields(output: string): string[] {
  const found = output.matchAll(/ValidationError\(([^)]*)\): unknown field "([^"]+)"/g);
  return [...found].map((m) => {
    const parent = (m[1] as string).replace(/^[A-Za-z]+\.?/, "");
    return parent === "" ? (m[2] as string) : `${parent}.${m[2] as string}`;
  });
}

/** Runs kubectl-strict.sh on a file or directory: exit 0 accepted, 1 rejected; 2 (helper broken) throws. */
function runKubectlStrictScript(target: string, output = "yaml"): Promise<{ accepted: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, KUBECTL_OFFLINE_OUTPUT: output };
    execFile(KUBECTL_STRICT, [target], { encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (code !== 0 && code !== 1) reject(new Error(`kubectl-strict.sh ${target} failed (exit ${code}): ${output}`));
      else resolve({ accepted: code === 0, output });
    });
  });
}

/** kubectl create --dry-run=client --validate=strict on one file (about 0.5 s a call). */
export async function runKubectlStrict(file: string): Promise<KubectlVerdict> {
  const { accepted, output } = await runKubectlStrictScript(file);
  return { accepted, unknownFields: parseUnknownFields(output), output };
}

/**
 * kubectl's own reading of a file: the objects it parsed (`-o json` prints one JSON object
 * after another), or undefined when it refused the file. The helper's first line is VALID.
 */
export async function readWithKubectl(file: string): Promise<{ objects: unknown[] | undefined; output: string }> {
  const { accepted, output } = await runKubectlStrictScript(file, "json");
  if (!accepted) return { objects: undefined, output };
  const body = output.slice(output.indexOf("\n") + 1);
  const objects: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) { if (c === "\\") i++; else if (c === '"') inString = false; continue; }
    if (c === '"') inString = true;
    else if (c === "{") { if (depth++ === 0) start = i; }
    else if (c === "}" && --depth === 0) objects.push(JSON.parse(body.slice(start, i + 1)));
  }
  return { objects, output };
}

// kubectl names the file in every per-file error when given a directory.
const FILE_ERROR = /(?:error validating|unable to decode|error parsing| from) "?([^":]+?\.(?:ya?ml|json))"?[:\s]/;

/**
 * One kubectl call over many files: they are copied into a temp directory (kubectl -f DIR
 * reads each, continues past errors and names the file in every error line), so the
 * oracle costs one process start per batch rather than per file.
 */
export async function runKubectlStrictOnFiles(files: readonly string[]): Promise<Map<string, KubectlVerdict>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "rower-kubectl-"));
  try {
    const copies = new Map<string, string>();
    await Promise.all(files.map(async (file, i) => {
      const copy = path.join(dir, `${String(i).padStart(4, "0")}-${path.basename(file)}`);
      copies.set(copy, file);
      await copyFile(file, copy);
    }));
    const { accepted, output } = await runKubectlStrictScript(dir);
    const linesByFile = new Map<string, string[]>();
    for (const line of output.split("\n")) {
      const copy = FILE_ERROR.exec(line)?.[1];
      const original = copy === undefined ? undefined : copies.get(copy);
      if (original !== undefined) linesByFile.set(original, [...(linesByFile.get(original) ?? []), line]);
    }
    if (!accepted && linesByFile.size === 0) throw new Error(`kubectl rejected the batch without naming a file: ${output}`);
    return new Map(files.map((file) => {
      const lines = (linesByFile.get(file) ?? []).join("\n");
      return [file, { accepted: lines === "", unknownFields: parseUnknownFields(lines), output: lines }];
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const STRING_LIKE_DETAILS = new Set(["must be of type string", "must be of type integer or string", "must be of type quantity"]);
const NUMBER_DETAILS = new Set(["must be of type integer", "must be of type int32", "must be of type int64"]);

/**
 * Whether kubectl's client-side check (kube-openapi's proto validation, plus a typed decode
 * of `metadata`) also refuses this error. rower reads values as the kubelet's Go decoder
 * does, which is stricter in three places kubectl lets through:
 * - quantity syntax (kubectl checks no quantity strings; the decoder refuses them);
 * - any scalar in a string-like field (string, int-or-string, quantity), and any number in
 *   an integer field (fractions, overflow): kube-openapi accepts them, Go's decoder does not;
 * - date-time syntax outside `metadata`.
 * Inside `metadata` kubectl decodes into Go's ObjectMeta, so there it refuses them too.
 */
export function isVisibleToKubectl(error: FieldError): boolean {
  const inMetadata = error.field.startsWith("metadata.");
  switch (error.rule) {
    case "schema.quantity":
      return false;
    case "schema.dateTime":
      return inMetadata;
    case "schema.kind":
      // kubectl's REST mapper matches kinds case-insensitively ("pod" passes).
      return !(typeof error.value === "string" && error.value.toLowerCase() === "pod");
    case "schema.type": {
      if (inMetadata) return true;
      const scalarValue = error.value !== undefined && error.value !== null && typeof error.value !== "object";
      if (!scalarValue) return true;
      if (STRING_LIKE_DETAILS.has(error.detail ?? "")) return false;
      if (NUMBER_DETAILS.has(error.detail ?? "")) return typeof error.value !== "number";
      return true;
    }
    default:
      return true;
  }
}
