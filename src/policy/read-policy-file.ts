// Reads a policy from local disk: the policy pins what metadata may run, so it never comes from
// metadata or the network. A file that is missing, too large, not regular or not a valid
// policy is an answer naming the reason, never an exception.
import { readFile, stat } from "node:fs/promises";
import { parsePolicy, type ParsedPolicy } from "./parse-policy.js";

/** `unreadable`: the file could not be read at all (a usage or I/O error, not an invalid policy). */
export type ReadPolicy = ParsedPolicy | { ok: false; problems: string[]; unreadable: true };

/** A policy is a few hundred bytes; this only stops a mistake (a log file named here) from costing memory. */
export const MAX_POLICY_BYTES = 1024 * 1024;

export async function readPolicyFile(path: string): Promise<ReadPolicy> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, problems: [`${path} is not a regular file`], unreadable: true };
    if (info.size > MAX_POLICY_BYTES) return { ok: false, problems: [`${path} is ${info.size} bytes, more than the ${MAX_POLICY_BYTES} a policy can need`], unreadable: true };
    return parsePolicy(await readFile(path, "utf8"), path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === undefined) throw err;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code;
    return { ok: false, problems: [`cannot read ${path}: ${reason}`], unreadable: true };
  }
}
