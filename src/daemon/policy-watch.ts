// Follows `--policy FILE` while the daemon runs: a changed file that is a valid policy replaces
// the current one (and the caller re-resolves the latest revision against it); a file that is
// invalid, unreadable or gone keeps the previous policy, and says why. The directory is watched,
// not the file, so an editor's rename-and-replace save is seen.
import { basename, dirname } from "node:path";
import { watch } from "chokidar";
import { watchOpOf } from "../fs-watch/watch-op.js";
import { summarizePolicy } from "../policy/parse-policy.js";
import type { Policy } from "../policy/policy.js";
import { readPolicyFile } from "../policy/read-policy-file.js";
import type { EventLog } from "./event-log.js";

/** A save is a burst of events (write, rename, chmod): read once it is quiet this long. */
const POLICY_DEBOUNCE_MS = 100;

/** What the state file and `rower status` say about the policy. */
export interface PolicyStatus {
  path: string;
  /** The policy in force, in a few words. */
  summary: string;
  /** Why the file's current content is not in force, when it is not. */
  error?: string;
}

export interface PolicyWatchOptions {
  path: string;
  initial: Policy;
  log: EventLog;
  /** A new valid policy is in force. */
  onPolicy: (policy: Policy, status: PolicyStatus) => void;
  /** The file changed but its content is not in force; the previous policy still is. */
  onRejected: (status: PolicyStatus) => void;
}

export interface PolicyWatch {
  ready: Promise<void>;
  close(): Promise<void>;
}

export function startPolicyWatch(options: PolicyWatchOptions): PolicyWatch {
  const { path, log } = options;
  let current = options.initial;
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> = Promise.resolve();
  const watcher = watch(dirname(path), { ignoreInitial: true, depth: 0 });
  const ready = new Promise<void>((resolveReady) => watcher.once("ready", () => resolveReady()));

  const reload = async (): Promise<void> => {
    const read = await readPolicyFile(path);
    if (!read.ok) {
      const status: PolicyStatus = { path, summary: summarizePolicy(current), error: read.problems.join("; ") };
      log.error("policy.invalid", { path, problems: read.problems, action: "keeping the previous policy" });
      options.onRejected(status);
      return;
    }
    if (JSON.stringify(read.policy) === JSON.stringify(current)) return;
    current = read.policy;
    const status: PolicyStatus = { path, summary: summarizePolicy(current) };
    log.info("policy.loaded", { path, policy: status.summary, cause: "file changed" });
    options.onPolicy(current, status);
  };

  watcher.on("all", (event, changed) => {
    if (watchOpOf(event) === undefined || basename(changed) !== basename(path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => { reading = reading.then(reload); }, POLICY_DEBOUNCE_MS);
  });
  watcher.on("error", (error: unknown) => log.warn("policy.watchError", { path, message: error instanceof Error ? error.message : String(error) }));
  return {
    ready,
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
      await reading;
    },
  };
}
