// `rower render [FILE|-] [-o yaml|json]`: the manifest files exactly as rower would write them.
// Declares flags only; the implementation is imported when the command runs.
import { Option, type Command } from "commander";
import { addInputOptions, type InputOptions } from "./input-options.js";

export interface RenderFlags extends InputOptions {
  output: "yaml" | "json";
}

export function registerRender(program: Command): void {
  const command = program
    .command("render")
    .description("print each manifest file rower would write (name and content); invalid input prints its errors, exit 1")
    .argument("[file]", "file to read, - for standard input")
    .addOption(new Option("-o, --output <format>", "output format").choices(["yaml", "json"]).default("yaml"));
  addInputOptions(command).action(async (file: string | undefined, flags: RenderFlags) => {
    const { runRender } = await import("./run-render.js");
    process.exitCode = await runRender([...(file === undefined ? [] : [file]), ...(flags.filename ?? [])], flags);
  });
}
