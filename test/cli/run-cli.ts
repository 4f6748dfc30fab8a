// Spawns the built executable (build first: `npm run build`), feeding stdin and collecting
// output; resolves on the child's exit, never on a timer.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export const ROWER = resolve("dist/rower.cjs");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], options: { stdin?: string | Uint8Array; script?: string; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [options.script ?? ROWER, ...args], { cwd: options.cwd ?? process.cwd() });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
