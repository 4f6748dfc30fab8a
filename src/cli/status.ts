import type { Command } from "commander";

// Placeholder: the owning helper replaces this file with the real command.
export function registerStatus(program: Command): void {
  program.command("status").description("(not built yet)").action(() => {
    process.stderr.write("rower status: not built yet\n");
    process.exitCode = 1;
  });
}
