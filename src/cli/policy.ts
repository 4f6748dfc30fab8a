import type { Command } from "commander";

// `rower policy check FILE`: is this a valid local admission policy, and what does it enforce.
// The implementation is imported inside the action so registering the command costs nothing.
export function registerPolicy(program: Command): void {
  const policy = program.command("policy").description("work with local admission policy files (--policy)");
  policy
    .command("check")
    .description("validate a policy file; exit 0 valid, 1 invalid, 2 unreadable")
    .argument("<file>", "the policy file")
    .action(async (file: string) => {
      const { runPolicyCheck } = await import("./run-policy-check.js");
      process.exitCode = await runPolicyCheck(file);
    });
}
