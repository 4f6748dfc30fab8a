import type { Command } from "commander";
import { addSharedOptions } from "../config/shared-options.js";

// `rower diff [FILE|-]`: what a sync would create, update and delete. Flags are declared
// here; the implementation is imported when the command runs.
export function registerDiff(program: Command): void {
  const command = program
    .command("diff")
    .description("show what a sync from FILE (or the configured source) would write and delete; exit 0 nothing, 1 changes, 2 error")
    .argument("[file]", "pods to compare with the manifest directory, - for standard input; default: the configured source");
  addSharedOptions(command, "diff").action(async (file: string | undefined, flags: Record<string, unknown>) => {
    const { runDiff } = await import("./run-diff.js");
    process.exitCode = await runDiff(file, flags);
  });
}
