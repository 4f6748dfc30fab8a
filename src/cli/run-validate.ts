// `rower validate`: results (valid or not) on stdout, usage and I/O errors on stderr.
import { writeEscaped } from "../output/escape-control.js";
import { formatJson } from "../validate/format-json.js";
import { formatText, needsOriginPrefix } from "../validate/format-text.js";
import { checkInputs } from "./check-inputs.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import type { ValidateFlags } from "./validate.js";

export async function runValidate(specs: readonly string[], flags: ValidateFlags): Promise<number> {
  const checked = await checkInputs(specs, flags);
  if (!checked.ok) {
    writeEscaped(process.stderr, `rower validate: ${checked.message}\n`);
    return EXIT_USAGE;
  }
  const { result, inputCount } = checked;
  writeEscaped(process.stdout, flags.output === "json"
    ? formatJson(result)
    : formatText(result, { prefix: needsOriginPrefix(result, inputCount) }));
  return result.valid ? EXIT_OK : EXIT_INVALID;
}
