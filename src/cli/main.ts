// rower's command line: parses argv against the tree program.ts builds.
import { CommanderError } from "commander";
import { EXIT_USAGE } from "./exit-codes.js";
import { forgoOptimizingCompilers } from "./forgo-optimizing-compilers.js";
import { buildProgram } from "./program.js";
import type { RunContext } from "./run.js";

export async function runCli(context: RunContext): Promise<void> {
  forgoOptimizingCompilers(); // every command, before any of its work (worker threads share the flags)
  const program = buildProgram(context);
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version exit 0; every other parse failure is a usage error.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
    } else {
      throw err;
    }
  }
}
