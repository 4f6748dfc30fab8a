import type { Command } from "commander";

// Placeholder: the owning helper replaces this file with the real command.
export function registerEmulate(program: Command): void {
  program.command("emulate").description("(not built yet)").action(() => {
    process.stderr.write("rower emulate: not built yet\n");
    process.exitCode = 1;
  });
}
