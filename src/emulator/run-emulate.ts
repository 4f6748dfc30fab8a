// The `rower emulate` command: start an emulator, print the client's variable as the FIRST
// stdout line (scripts read it), a short help after it, and serve until SIGINT/SIGTERM.
import { access } from "node:fs/promises";
import { EXIT_OK, EXIT_USAGE } from "../cli/exit-codes.js";
import type { EmulateFlags } from "../cli/emulate.js";
import type { EmulatorKind } from "./emulator-state.js";
import { startEmulator } from "./start-emulator.js";

/** `HOST:PORT`, `[V6]:PORT`, `HOST` or `PORT`; a string result is the reason it is not one. */
export function parseListenAddress(text: string): { host: string; port: number } | string {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*))(?::(\d+))?$/.exec(text);
  const portOnly = /^\d+$/.test(text);
  if (match === null) return `--listen: expected HOST:PORT, got ${JSON.stringify(text)}`;
  const host = portOnly ? "127.0.0.1" : (match[1] ?? match[2] ?? "") || "127.0.0.1";
  const port = Number(portOnly ? text : (match[3] ?? "0"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `--listen: port must be 0..65535, got ${port}`;
  return { host, port };
}

function helpLines(kind: EmulatorKind, url: string, key: string): string[] {
  const served = kind === "gce" ? `instance attribute ${key}` : kind === "ec2" ? "user-data" : "userData (base64)";
  return [
    `# rower ${kind} metadata emulator at ${url}: FILE is served as ${served}; edits are picked up live.`,
    `#   export the line above, then: rower run --source ${kind}`,
    `#   admin: curl -X PUT --data-binary @F ${url}/_emulator/${kind === "gce" ? "project/attributes/" + key : kind === "ec2" ? "tags/" + key : "user-data"}`,
    `#          curl -X POST -d '{"status":503,"count":2}' ${url}/_emulator/faults`,
    "# Ctrl-C stops it.",
  ];
}

export async function runEmulate(kind: EmulatorKind, flags: EmulateFlags): Promise<number> {
  const listen = parseListenAddress(flags.listen);
  if (typeof listen === "string") {
    process.stderr.write(`rower emulate: ${listen}\n`);
    return EXIT_USAGE;
  }
  try {
    await access(flags.file);
  } catch (err) {
    process.stderr.write(`rower emulate: cannot read --file ${flags.file}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  let emulator;
  try {
    emulator = await startEmulator(kind, { file: flags.file, key: flags.key, host: listen.host, port: listen.port, imdsv1: flags.imdsv1 });
  } catch (err) {
    process.stderr.write(`rower emulate: cannot listen on ${flags.listen}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const [variable, value] = Object.entries(emulator.env)[0] ?? ["", ""];
  process.stdout.write(`${variable}=${value}\n${helpLines(kind, emulator.url, flags.key).join("\n")}\n`);
  await new Promise<void>((stop) => {
    process.once("SIGINT", () => stop());
    process.once("SIGTERM", () => stop());
  });
  await emulator.close();
  return EXIT_OK;
}
