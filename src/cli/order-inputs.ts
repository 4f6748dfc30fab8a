// Inputs in the order the user typed them. commander hands positional files and `-f` values
// over separately, so `rower validate -f - ok.yaml` would read ok.yaml first; walking the
// command's own argument tokens restores the interleaving.
import type { Command } from "commander";

/** True when `token` is the option, given its short (`-f`) and long (`--filename`) flags. */
function matchesFlag(token: string, flags: readonly (string | undefined)[]): boolean {
  return flags.some((f) => f !== undefined && token === f);
}

/**
 * The inputs among `tokens` (the arguments after the command name), in order: operands and
 * the values of `-f`/`--filename`. Other options are skipped with their values.
 */
export function orderInputTokens(tokens: readonly string[], command: Command): string[] {
  const inputs: string[] = [];
  const takesValue = command.options.filter((o) => o.required || o.optional);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    if (token === "--") {
      inputs.push(...tokens.slice(i + 1));
      break;
    }
    if (token === "-" || !token.startsWith("-")) {
      inputs.push(token);
      continue;
    }
    if (token === "-f" || token === "--filename") {
      const value = tokens[++i];
      if (value !== undefined) inputs.push(value);
      continue;
    }
    if (token.startsWith("--filename=")) inputs.push(token.slice("--filename=".length));
    else if (token.startsWith("-f") && !token.startsWith("--")) inputs.push(token.slice(2));
    else if (matchesFlag(token, takesValue.flatMap((o) => [o.short, o.long]))) i++; // its value is the next token
  }
  return inputs;
}

function sameInputs(a: readonly string[], b: readonly string[]): boolean {
  const sorted = (x: readonly string[]) => [...x].sort().join("\u0000");
  return a.length === b.length && sorted(a) === sorted(b);
}

/**
 * `files` and `filenames` (as commander parsed them) in the order they appear in `argv`;
 * when the walk does not account for exactly those inputs, commander's split is kept.
 */
export function orderInputs(argv: readonly string[], commandName: string, command: Command, files: readonly string[], filenames: readonly string[]): string[] {
  const given = [...files, ...filenames];
  const at = argv.indexOf(commandName, 2);
  if (at < 0) return given;
  const ordered = orderInputTokens(argv.slice(at + 1), command);
  return sameInputs(ordered, given) ? ordered : given;
}
