// Walks the README's quick start (`npm ci && npm start`) on a copy of the checkout:
// the daemon comes up against the local emulator serving examples/pods.yaml, writes
// ./manifests, and stops cleanly on Ctrl-C.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, type FSWatcher, mkdtempSync, readFileSync, rmSync, symlinkSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, parseYamlDocuments, readRepoFile } from "./launch-material.js";

// What a fresh clone does not have: installed packages (linked instead of `npm ci`),
// build output, and anything a previous `npm start` left behind.
const NOT_IN_A_CLONE = new Set(["node_modules", "dist", "manifests", ".rower-state", ".git"]);

/** Pod names in examples/pods.yaml, which npm start serves. */
function examplePodNames(): string[] {
  return parseYamlDocuments(readRepoFile("examples/pods.yaml")).map(
    (doc) => ((doc as { metadata: { name: string } }).metadata.name),
  );
}

/** Resolves once `ready()` holds, re-checking on every output chunk and directory event. */
function waitUntil(child: ChildProcess, root: string, ready: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    const check = (): void => {
      if (!ready()) return;
      watcher?.close();
      resolve();
    };
    // The daemon logs each write after its rename, so output is the main trigger; the
    // directory watch covers output that arrived before the files were complete.
    watcher = watch(root, check);
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", (code, signal) => {
      watcher?.close();
      if (!ready()) reject(new Error(`npm start exited (${code ?? signal}) before the manifests appeared`));
    });
    check();
  });
}

describe("the README quick start", () => {
  const root = mkdtempSync(join(tmpdir(), "rower-quick-start-"));
  let running: ChildProcess | undefined;
  afterAll(() => {
    // A hung test must not leave the daemon behind: end the whole process group.
    if (running?.pid !== undefined && running.exitCode === null && running.signalCode === null) {
      process.kill(-running.pid, "SIGKILL");
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("npm start writes the example pods to ./manifests and stops cleanly on Ctrl-C", async () => {
    cpSync(REPO, root, {
      recursive: true,
      filter: (source) => !NOT_IN_A_CLONE.has(relative(REPO, source).split("/")[0] ?? ""),
    });
    symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"), "dir");

    let output = "";
    // Its own process group, so Ctrl-C can be delivered the way a terminal does: to npm,
    // the shell npm runs the script with, and node alike.
    const child = spawn("npm", ["start"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true });
    running = child;
    const pressCtrlC = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGINT");
    };
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    const files = examplePodNames().map((name) => join(root, "manifests", `${name}.yaml`));
    try {
      await waitUntil(child, root, () => files.every((file) => existsSync(file) && readFileSync(file, "utf8").includes("kind: Pod")));
      for (const file of files) {
        expect(readFileSync(file, "utf8")).toContain('rower.static/managed: "true"');
      }
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- npm start output ---\n${output}`);
    } finally {
      pressCtrlC();
    }
    const exit = await exited;
    // npm re-raises the Ctrl-C it received; the daemon underneath must stop cleanly.
    expect([0, "SIGINT"]).toContain(exit.code ?? exit.signal);
    expect(output).toMatch(/daemon\.stopped/);
    expect(output).not.toMatch(/\b(ERROR|FATAL)\b/);
    // Pods keep running across a stop: the files stay.
    for (const file of files) expect(existsSync(file)).toBe(true);
  });
});
