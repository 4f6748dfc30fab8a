// rower's command line: parses argv against the tree program.ts builds. The entry (bin.ts)
// has set V8's flags before loading this.
import { CommanderError } from "commander";
import { EXIT_USAGE } from "./exit-codes.js";
import { buildProgram } from "./program.js";
import type { RunContext } from "./run.js";

export async function runCli(context: RunContext): Promise<void> {
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
