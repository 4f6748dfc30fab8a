// `rower policy check FILE`: the verdict on stdout (valid with a summary, or every problem),
// a file that cannot be read on stderr.
import { writeEscaped } from "../output/escape-control.js";
import { summarizePolicy } from "../policy/parse-policy.js";
import { readPolicyFile } from "../policy/read-policy-file.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";

export async function runPolicyCheck(file: string): Promise<number> {
  const read = await readPolicyFile(file);
  if (read.ok) {
    writeEscaped(process.stdout, `policy ${file} is valid: ${summarizePolicy(read.policy)}\n`);
    return EXIT_OK;
  }
  if ("unreadable" in read) {
    writeEscaped(process.stderr, `rower policy check: ${read.problems.join("; ")}\n`);
    return EXIT_USAGE;
  }
  writeEscaped(process.stdout, `policy ${file} is invalid:\n${read.problems.map((p) => `* ${p}\n`).join("")}`);
  return EXIT_INVALID;
}
