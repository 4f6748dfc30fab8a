import type { Command } from "commander";

// Placeholder: the owning helper replaces this file with the real command.
export function registerRun(program: Command): void {
  program.command("run").description("(not built yet)").action(() => {
    process.stderr.write("rower run: not built yet\n");
    process.exitCode = 1;
  });
}
