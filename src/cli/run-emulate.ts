// The `rower emulate` command: start an emulator, print the client's variable as the FIRST
// stdout line (scripts read it), a short help after it, and serve until SIGINT/SIGTERM.
import { writeEscaped } from "../output/escape-control.js";
import { access, stat } from "node:fs/promises";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import type { EmulateFlags } from "./emulate.js";
import type { EmulatorKind } from "../emulator/emulator-state.js";
import { startEmulator } from "../emulator/start-emulator.js";
import { LISTEN_FORMS, parseListenAddress } from "../config/listen-address.js";

function helpLines(kind: EmulatorKind, url: string, key: string): string[] {
  const served = kind === "gce" ? `instance attribute ${key}` : kind === "ec2" ? "user-data" : "userData (base64)";
  return [
    `# rower ${kind} metadata emulator at ${url}: FILE is served as ${served}; edits are picked up live.`,
    `#   export the line above, then: rower run --source ${kind}`,
    `#   admin: curl -X PUT --data-binary @F ${url}/_emulator/${kind === "gce" ? "project/attributes/" + key : "user-data"}`,
    // An EC2 tag holds at most 256 characters: a pointer to the pods file, never the file.
    ...(kind === "ec2" ? [`#          curl -X PUT --data 'url:https://HOST/pods.yaml#sha256=HEX' ${url}/_emulator/tags/${key}   (a tag points at the file)`] : []),
    `#          curl -X POST -d '{"status":503,"count":2}' ${url}/_emulator/faults`,
    "# Ctrl-C stops it.",
  ];
}

export async function runEmulate(kind: EmulatorKind, flags: EmulateFlags): Promise<number> {
  const listen = parseListenAddress(flags.listen);
  if (listen === undefined) {
    writeEscaped(process.stderr, `rower emulate: --listen: expected ${LISTEN_FORMS}, got ${JSON.stringify(flags.listen)}\n`);
    return EXIT_USAGE;
  }
  try {
    await access(flags.file);
    if ((await stat(flags.file)).isDirectory()) {
      writeEscaped(process.stderr, `rower emulate: --file ${flags.file} is a directory: give the one file to serve as the key's value\n`);
      return EXIT_USAGE;
    }
  } catch (err) {
    writeEscaped(process.stderr, `rower emulate: cannot read --file ${flags.file}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  let emulator;
  try {
    emulator = await startEmulator(kind, { file: flags.file, key: flags.key, host: listen.host, port: listen.port, imdsv1: flags.imdsv1 });
  } catch (err) {
    writeEscaped(process.stderr, `rower emulate: cannot listen on ${flags.listen}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const [variable, value] = Object.entries(emulator.env)[0] ?? ["", ""];
  writeEscaped(process.stdout, `${variable}=${value}\n${helpLines(kind, emulator.url, flags.key).join("\n")}\n`);
  await new Promise<void>((stop) => {
    process.once("SIGINT", () => stop());
    process.once("SIGTERM", () => stop());
  });
  await emulator.close();
  return EXIT_OK;
}
