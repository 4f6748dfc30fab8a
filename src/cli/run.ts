import type { Command } from "commander";
import { addSharedOptions } from "../config/shared-options.js";

export interface RunContext {
  /** dist/pipeline-worker.mjs, which the daemon starts as a worker thread for large payloads. */
  workerEntry: URL;
}

// `rower run`: flags only; the daemon is imported when the command runs.
export function registerRun(program: Command, context: RunContext): void {
  const command = program
    .command("run")
    .description("keep the manifest directory equal to the pods the metadata declares")
    .option("--once", "one sync, then exit: 0 applied or nothing to do, 1 invalid or failed");
  addSharedOptions(command, "run")
    .action(async (flags: Record<string, unknown>) => {
      const { runCommand } = await import("./run-daemon.js");
      process.exitCode = await runCommand(flags, context);
    });
}
