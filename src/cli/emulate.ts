// `rower emulate gce|ec2|azure --file F [--key K] [--listen ADDR]`: a local metadata server.
// Declares flags only; the emulator is imported when the command runs.
import { Argument, Option, type Command } from "commander";
import { DEFAULT_METADATA_KEY } from "../contract/defaults.js";

export interface EmulateFlags {
  file: string;
  key: string;
  listen: string;
  imdsv1: boolean;
}

export function registerEmulate(program: Command): void {
  program
    .command("emulate")
    .description("serve FILE as GCE, EC2 or Azure instance metadata on loopback, reloading it on change")
    .addArgument(new Argument("<kind>", "which metadata server").choices(["gce", "ec2", "azure"]))
    .requiredOption("--file <path>", "the file served as the key's value (GCE) or user data (EC2, Azure)")
    .option("--key <name>", "GCE attribute served from FILE", DEFAULT_METADATA_KEY)
    .option("--listen <addr>", "PORT, HOST:PORT or [IPv6]:PORT to listen on (port 0: any free port)", "127.0.0.1:0")
    .addOption(new Option("--imdsv1", "EC2: also accept requests without a session token").default(false))
    .action(async (kind: "gce" | "ec2" | "azure", flags: EmulateFlags) => {
      const { runEmulate } = await import("./run-emulate.js");
      process.exitCode = await runEmulate(kind, flags);
    });
}
