import type { Command } from "commander";

// Placeholder: the owning helper replaces this file with the real command.
export function registerDiff(program: Command): void {
  program.command("diff").description("(not built yet)").action(() => {
    process.stderr.write("rower diff: not built yet\n");
    process.exitCode = 1;
  });
}
