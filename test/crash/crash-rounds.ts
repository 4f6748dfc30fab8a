// Crash consistency, as a function the test and the bench share: SIGKILL a process that
// applies a stream of changing pod sets at random points of its work (after a random number
// of output lines, or as soon as a temp file appears: mid-staging), and after every kill
// check that every non-dot file in the directory is exactly one valid pod; at the end a
// fresh run must converge to the desired set, removing the temp files the kills left.
// Two runners: "daemon" is the built `rower run --once --source file:…` (one pod set per
// process, killed on a random log line: lock takeover, state file and apply all crash);
// "driver" applies a long stream of sets per process through the same modules, so kills
// also land deep inside a stream.
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { once } from "node:events";
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { resolveDesiredSet } from "../../src/daemon/desired-set.js";
import { readState } from "../../src/daemon/state-file.js";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { validateDocuments } from "../../src/validate/validate-documents.js";
import { podSetYaml, seededRandom } from "./pod-set.js";

const NODE_NAME = "crash-node";
const DRIVER = new URL("./apply-stream-driver.ts", import.meta.url).pathname;
const ROWER = new URL("../../dist/rower.cjs", import.meta.url).pathname;
const FOREIGN = "zz-foreign.yaml";
const FOREIGN_POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: foreign\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n";
// Kill after 1..N output lines: early kills land in start-up and the first writes, late ones
// in the middle of a stream (the driver prints a line per file, the daemon a log line per event).
const MAX_EVENTS = { driver: 16, daemon: 12 } as const;
// Every third round kills when the first temp file appears instead: in the middle of staging.
const KILL_ON_TEMP_FILE_EVERY = 3;
const TEMP_FILE = /^\.rower-.*\.tmp$/;

export type CrashRunner = "daemon" | "driver";

export interface CrashReport {
  seed: number;
  kills: number;
  rounds: number;
  /** Kills after which a `.rower-*.tmp` was left: proof that some landed mid-write. */
  killsLeavingTempFiles: number;
  filesChecked: number;
  durationMs: number;
}

export async function runCrashRounds(options: { kills: number; seed: number; runner: CrashRunner }): Promise<CrashReport> {
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), "rower-crash-"));
  try {
    const dir = join(root, "manifests");
    await mkdir(dir);
    await writeFile(join(dir, FOREIGN), FOREIGN_POD);
    const commandFor = await prepareRunner(options.runner, root, dir, options.seed);
    const random = seededRandom(options.seed);
    const report: CrashReport = { seed: options.seed, kills: 0, rounds: 0, killsLeavingTempFiles: 0, filesChecked: 0, durationMs: 0 };

    while (report.kills < options.kills) {
      const start = report.rounds * 5;
      report.rounds++;
      const command = await commandFor(start, "loop");
      const point: KillPoint = report.rounds % KILL_ON_TEMP_FILE_EVERY === 0 ? { tempFileIn: dir }
        : { afterLines: 1 + Math.floor(random() * MAX_EVENTS[options.runner]) };
      const killed = await runUntilKilled(command, point);
      if (!killed) continue;
      report.kills++;
      const check = await checkDirectory(dir);
      // The state file is written the same atomic way: after a kill it is whole or absent.
      const state = await readState(join(root, "state"));
      if (state.kind === "invalid") check.problems.push(`state file: ${state.message}`);
      if (check.problems.length > 0) {
        throw new Error(`seed ${options.seed}, kill ${report.kills} (stream from set ${start}): ${check.problems.join("; ")}`);
      }
      report.filesChecked += check.files;
      if (check.tempFiles > 0) report.killsLeavingTempFiles++;
    }

    const final = report.rounds * 5;
    const exit = await runToEnd(await commandFor(final, "once"));
    if (exit.code !== 0) throw new Error(`seed ${options.seed}: the converging run exited ${exit.code}: ${exit.output}`);
    await expectConverged(dir, options.seed, final);
    report.durationMs = Math.round(performance.now() - started);
    return report;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A process that brings the directory to pod set `index` (and, for the driver, the sets after it). */
interface Command { args: string[]; output: "stdout" | "stderr" }

async function prepareRunner(runner: CrashRunner, root: string, dir: string, seed: number): Promise<(index: number, mode: "loop" | "once") => Promise<Command>> {
  if (runner === "driver") {
    const driver = await bundleDriver(root);
    return async (index, mode) => ({ args: [driver, dir, String(seed), String(index), mode, NODE_NAME], output: "stdout" });
  }
  const pods = join(root, "pods.yaml");
  const stateDir = join(root, "state");
  return async (index) => {
    // Replace the source file whole, so the daemon never reads half of it.
    await writeFile(`${pods}.next`, podSetYaml(seed, index));
    await rename(`${pods}.next`, pods);
    const args = [ROWER, "run", "--once", "--source", `file:${pods}`, "--manifest-dir", dir, "--state-dir", stateDir,
      "--node-name", NODE_NAME, "--log-format", "json"];
    return { args, output: "stderr" };
  };
}

/** One file to start per round: node loads a bundle far faster than it compiles TypeScript. */
export async function bundleDriver(root: string): Promise<string> {
  const { build } = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  const outfile = join(root, "driver.mjs");
  await build({
    entryPoints: [DRIVER], outfile, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning",
    banner: { js: "import { createRequire as __req } from 'node:module'; const require = __req(import.meta.url);" },
  });
  return outfile;
}

/** After so many output lines, or as soon as a temp file appears in the directory. */
type KillPoint = { afterLines: number } | { tempFileIn: string };

/** Spawns the command and SIGKILLs it at the kill point; false if it ended first. */
async function runUntilKilled(command: Command, point: KillPoint): Promise<boolean> {
  const child = spawn(process.execPath, command.args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = command.output === "stdout" ? child.stdout : child.stderr;
  const other = command.output === "stdout" ? child.stderr : child.stdout;
  let text = "";
  // Drain the other stream too: a full pipe would block the child and hang the round.
  other.setEncoding("utf8").on("data", (c: string) => { text += c; });
  const exited = once(child, "exit");
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const watcher = "tempFileIn" in point
    ? watch(point.tempFileIn, (_event, name) => { if (typeof name === "string" && TEMP_FILE.test(name)) kill(); })
    : undefined;
  try {
    let seen = 0;
    for await (const line of createInterface({ input: output })) {
      text += `${line}\n`;
      if ("afterLines" in point && ++seen === point.afterLines) {
        kill();
        break;
      }
    }
  } finally {
    watcher?.close();
  }
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  if (signal === "SIGKILL") return true;
  if (code !== 0) throw new Error(`${command.args.slice(0, 3).join(" ")} failed (exit ${code}): ${text}`);
  return false;
}

/** Runs the command to its end; its output is kept for the error when it fails. */
async function runToEnd(command: Command): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, command.args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => { output += c; });
  child.stderr.setEncoding("utf8").on("data", (c: string) => { output += c; });
  const [code] = (await once(child, "close")) as [number | null];
  return { code, output };
}

/** Every non-dot entry must be a regular file holding exactly one valid pod. */
async function checkDirectory(dir: string): Promise<{ problems: string[]; files: number; tempFiles: number }> {
  const problems: string[] = [];
  let files = 0;
  let tempFiles = 0;
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith(".")) {
      if (name.startsWith(".rower-") && name.endsWith(".tmp")) tempFiles++;
      continue;
    }
    files++;
    if (!(await lstat(join(dir, name))).isFile()) {
      problems.push(`${name}: not a regular file`);
      continue;
    }
    const decoded = decodePayload(await readFile(join(dir, name)), { source: name });
    if (decoded.kind !== "documents" || decoded.documents.length !== 1) {
      problems.push(`${name}: not exactly one pod (${decoded.kind === "invalid" ? JSON.stringify(decoded.errors[0]) : decoded.kind})`);
      continue;
    }
    const result = validateDocuments(decoded.documents, { nodeName: NODE_NAME });
    if (!result.valid) problems.push(`${name}: invalid pod: ${JSON.stringify(result.documents[0]?.errors[0])}`);
  }
  if (await readFile(join(dir, FOREIGN), "utf8") !== FOREIGN_POD) problems.push(`${FOREIGN}: the foreign file changed`);
  return { problems, files, tempFiles };
}

/** The directory holds exactly the rendered set plus the foreign file, and no temp files. */
async function expectConverged(dir: string, seed: number, index: number): Promise<void> {
  const payload = { kind: "present" as const, source: "final", revision: "final", bytes: Buffer.from(podSetYaml(seed, index)) };
  const desired = resolveDesiredSet(payload, { decodePayload, validateDocuments, renderManifest }, { maxBytes: 524_288, nodeName: NODE_NAME, keepOnAbsent: false });
  if (desired.kind !== "set") throw new Error(`seed ${seed}: final set invalid`);
  const want = new Map(desired.manifests.map((m) => [m.file, m.content]));
  want.set(FOREIGN, FOREIGN_POD);
  const names = (await readdir(dir)).filter((n) => n !== ".rower.lock").sort();
  const expected = [...want.keys()].sort();
  if (JSON.stringify(names) !== JSON.stringify(expected)) {
    throw new Error(`seed ${seed}: converged directory holds ${JSON.stringify(names)}, expected ${JSON.stringify(expected)}`);
  }
  for (const [file, content] of want) {
    if (await readFile(join(dir, file), "utf8") !== content) throw new Error(`seed ${seed}: ${file} did not converge`);
  }
}
