// The flags `rower validate` and `rower render` share: inputs (positional or `-f`, the
// kubectl habit), the decoded-size cap and the node name the mirror pod name must fit with.
import { InvalidArgumentError, Option, type Command } from "commander";
import { NODE_NAME_EXPECTED, parseNodeName } from "../config/node-name.js";
import { DEFAULT_MAX_BYTES } from "../contract/defaults.js";

/** `rower validate` runs off the node: assume the longest node name DNS allows for a label. */
export const VALIDATE_NODE_NAME = "n".repeat(63);

export interface InputOptions {
  /** `-f` values; unset when none was given. */
  filename?: string[];
  nodeName: string;
  maxBytes: number;
}

function parsePositiveInteger(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new InvalidArgumentError("expected a positive whole number of bytes");
  }
  return Number(text);
}

function parseNodeNameArgument(text: string): string {
  const name = parseNodeName(text);
  if (name === undefined) throw new InvalidArgumentError(`expected ${NODE_NAME_EXPECTED}`);
  return name;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addInputOptions(command: Command): Command {
  return command
    .addOption(new Option("-f, --filename <file>", "a file to read, or - for standard input (repeatable)").argParser(collect))
    .addOption(new Option("--node-name <name>", "node name the kubelet appends to mirror pod names").argParser(parseNodeNameArgument).default(VALIDATE_NODE_NAME, "a 63-character name"))
    .addOption(new Option("--max-bytes <n>", "decoded payload cap in bytes").argParser(parsePositiveInteger).default(DEFAULT_MAX_BYTES));
}
