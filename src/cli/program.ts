// The command tree: every command registers its flags here cheaply and imports its body
// lazily, so `rower validate` never loads the daemon, HTTP or metrics code. Built by main.ts
// to run, and by tools/cli-reference.ts to write the README's CLI reference from the same
// definitions (a test keeps the two equal).
import { Command } from "commander";
import { KUBERNETES_VERSION } from "../validate/schema/kubernetes-version.js";
import { registerDiff } from "./diff.js";
import { registerEmulate } from "./emulate.js";
import { registerPolicy } from "./policy.js";
import { registerRender } from "./render.js";
import { registerRun, type RunContext } from "./run.js";
import { registerStatus } from "./status.js";
import { registerTrust } from "./trust.js";
import { registerValidate } from "./validate.js";

declare const ROWER_VERSION: string;

/** Help is wrapped at this width everywhere, so `--help` and the README read the same. */
export const HELP_WIDTH = 100;

export function buildProgram(context: RunContext): Command {
  const program = new Command("rower")
    .description("Feed a standalone kubelet's static-pod directory from cloud instance metadata.")
    .version(`rower ${ROWER_VERSION} (Kubernetes ${KUBERNETES_VERSION})`, "-v, --version")
    .showHelpAfterError("(add --help for usage)")
    .configureHelp({ helpWidth: HELP_WIDTH })
    .exitOverride();
  registerValidate(program);
  registerRender(program);
  registerDiff(program);
  registerRun(program, context);
  registerStatus(program);
  registerEmulate(program);
  registerPolicy(program);
  registerTrust(program);
  for (const command of program.commands) command.configureHelp({ helpWidth: HELP_WIDTH });
  return program;
}
