import { Option, type Command } from "commander";
import { DEFAULT_STATE_DIR } from "../contract/defaults.js";

// `rower status`: what the daemon last recorded in its state file. The implementation is
// imported inside the action so registering the command costs nothing.
export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("show the managed pods, source and revision, last sync and last error, from the daemon's state file")
    .addOption(new Option("--state-dir <dir>", `where the daemon keeps its state (ROWER_STATE_DIR, default ${DEFAULT_STATE_DIR})`))
    .addOption(new Option("-o, --output <format>", "text or json").choices(["text", "json"]).default("text"))
    .action(async (flags: { stateDir?: string; output: "text" | "json" }) => {
      const { runStatus } = await import("./run-status.js");
      process.exitCode = await runStatus(flags);
    });
}
