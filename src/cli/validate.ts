import type { Command } from "commander";

// Placeholder: the owning helper replaces this file with the real command.
export function registerValidate(program: Command): void {
  program.command("validate").description("(not built yet)").action(() => {
    process.stderr.write("rower validate: not built yet\n");
    process.exitCode = 1;
  });
}
