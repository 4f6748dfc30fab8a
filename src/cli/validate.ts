// `rower validate [FILE|-]... [-f FILE]... [-o text|json]`: kubectl-style dry run.
// Declares flags only; the implementation is imported when the command runs.
import { Option, type Command } from "commander";
import { addInputOptions, type InputOptions } from "./input-options.js";
import { orderInputs } from "./order-inputs.js";

export interface ValidateFlags extends InputOptions {
  output: "text" | "json";
  /** A local admission policy file, checked like the daemon's `--policy`. */
  policy?: string;
}

export function registerValidate(program: Command): void {
  const command = program
    .command("validate")
    .description("check pods the way the kubelet and the API server would; exit 0 valid, 1 invalid, 2 usage or I/O error")
    .argument("[files...]", "files to read, - for standard input")
    .addOption(new Option("-o, --output <format>", "result format").choices(["text", "json"]).default("text"))
    .addOption(new Option("--policy <file>", "also check each pod against this local admission policy (see rower policy check)"));
  addInputOptions(command).action(async (files: string[], flags: ValidateFlags) => {
    const { runValidate } = await import("./run-validate.js");
    // Report inputs in the order given (`-f - ok.yaml`: standard input first).
    const specs = orderInputs(process.argv, "validate", command, files, flags.filename ?? []);
    process.exitCode = await runValidate(specs, flags);
  });
}
