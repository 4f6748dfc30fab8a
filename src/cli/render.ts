import type { Command } from "commander";

// Placeholder: the owning helper replaces this file with the real command.
export function registerRender(program: Command): void {
  program.command("render").description("(not built yet)").action(() => {
    process.stderr.write("rower render: not built yet\n");
    process.exitCode = 1;
  });
}
