import type { Command } from "commander";

// `rower keygen --out DIR` and `rower sign --key rower.key FILE`: the signing side of --trust.
// Implementations are imported inside the actions so registering the commands costs nothing.
export function registerTrust(program: Command): void {
  program
    .command("keygen")
    .description("write a new Ed25519 signing key pair: DIR/rower.key (private, 0600) and DIR/rower.pub (for --trust)")
    .requiredOption("--out <dir>", "directory for the pair; existing keys are never overwritten")
    .action(async (flags: { out: string }) => {
      const { runKeygen } = await import("./run-trust.js");
      process.exitCode = await runKeygen(flags.out);
    });
  program
    .command("sign")
    .description("print the detached signature (base64) of FILE's exact bytes, as --trust verifies it; a directory is signed as the file: source reads it")
    .requiredOption("--key <file>", "the private key (rower.key)")
    .argument("<file>", "the pods file, a file: source directory, or - for standard input")
    .action(async (file: string, flags: { key: string }) => {
      const { runSign } = await import("./run-trust.js");
      process.exitCode = await runSign(file, flags.key);
    });
}
