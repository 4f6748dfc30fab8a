// `rower validate`: results (valid or not) on stdout, usage and I/O errors on stderr.
import type { FieldError } from "../errors/field-error.js";
import { writeEscaped } from "../output/escape-control.js";
import { formatJson } from "../validate/format-json.js";
import { formatText, needsOriginPrefix } from "../validate/format-text.js";
import { checkInputs } from "./check-inputs.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import type { ValidateFlags } from "./validate.js";

export async function runValidate(specs: readonly string[], flags: ValidateFlags): Promise<number> {
  let admit: ((pod: unknown) => FieldError[]) | undefined;
  if (flags.policy !== undefined) {
    // Loaded only when asked for: a plain `rower validate` carries none of the policy code.
    const { loadPolicyCheck } = await import("../policy/load-policy-check.js");
    const loaded = await loadPolicyCheck(flags.policy);
    if (!loaded.ok) {
      writeEscaped(process.stderr, `rower validate: invalid policy ${flags.policy}:\n${loaded.problems.map((p) => `  * ${p}\n`).join("")}`);
      return EXIT_USAGE;
    }
    admit = loaded.check;
  }
  const checked = await checkInputs(specs, flags, admit);
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
