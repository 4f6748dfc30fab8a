// What the daemon loads and starts only when asked: --policy and --trust at start (a daemon
// never runs with less than it was given: an invalid policy or key refuses the start), and the
// followers of a running daemon: the policy file's watch, the kubelet's, the guest-attribute
// reporter. Each module is imported lazily, so a daemon without them carries none of their code.
import type { Config } from "../config/config.js";
import type { Policy } from "../policy/policy.js";
import { LINK_LOCAL_METADATA_ENDPOINT } from "../sources/source-options.js";
import type { PipelineSteps } from "./desired-set.js";
import type { EventLog } from "./event-log.js";
import type { OutcomeSinks } from "./record-outcome.js";
import type { Revision, SyncLoop } from "./sync-loop.js";

export type LoadedTrust = { ok: true; verify: (revision: Revision) => Revision; keys: Array<{ id: string; path: string }> } | { ok: false; message: string };

/** `--trust` at start: every key must load, or the daemon refuses to start rather than trust less than it was told. */
export async function loadTrust(paths: readonly string[]): Promise<LoadedTrust> {
  const [{ readTrustedKeys }, { verifyRevision }] = await Promise.all([import("../trust/signing-keys.js"), import("../trust/verify-revision.js")]);
  const read = await readTrustedKeys(paths);
  if (!read.ok) return { ok: false, message: `--trust: ${read.message}` };
  const keys = read.value;
  return { ok: true, verify: (revision) => verifyRevision(revision, keys), keys: keys.map(({ id, path }) => ({ id, path })) };
}

export type LoadedPolicy =
  | { ok: true; policy: Policy; status: { path: string; summary: string }; compilePolicy: NonNullable<PipelineSteps["compilePolicy"]> }
  | { ok: false; message: string };

/** `--policy` at start: a daemon never runs without the policy it was given, so an invalid one refuses the start. */
export async function loadPolicy(path: string): Promise<LoadedPolicy> {
  const [{ readPolicyFile }, { summarizePolicy }, { compilePolicy }] = await Promise.all([
    import("../policy/read-policy-file.js"), import("../policy/parse-policy.js"), import("../policy/check-policy.js"),
  ]);
  const read = await readPolicyFile(path);
  if (!read.ok) return { ok: false, message: `invalid policy ${path}: ${read.problems.join("; ")}` };
  return { ok: true, policy: read.policy, status: { path, summary: summarizePolicy(read.policy) }, compilePolicy };
}

export interface FollowerContext {
  log: EventLog;
  loop: SyncLoop;
  prepared: {
    policy?: Policy;
    setPolicy(policy: Policy): void;
    onRecorded: Array<NonNullable<OutcomeSinks["onRecorded"]>>;
    stopping: AbortController;
  };
  /** A full re-read and forced re-sync, as SIGHUP does. */
  reload(reason: string): void;
}

/** Starts the followers the configuration asks for; `close` waits for them all after the daemon stopped. */
export async function startFollowers(config: Config, context: FollowerContext): Promise<{ close(): Promise<void> }> {
  const { log, loop, prepared, reload } = context;
  const closers: Array<() => Promise<void>> = [];
  if (config.policy !== undefined && prepared.policy !== undefined) {
    const { startPolicyWatch } = await import("./policy-watch.js");
    const watch = startPolicyWatch({
      path: config.policy,
      initial: prepared.policy,
      log,
      onPolicy: (policy, status) => {
        prepared.setPolicy(policy);
        void loop.recordPolicy(status);
        // The latest revision is judged again under the new policy: applied if it now passes, refused if not.
        reload("policy changed: full re-read and re-sync");
      },
      onRejected: (status) => void loop.recordPolicy(status),
    });
    await watch.ready;
    closers.push(() => watch.close());
  }
  if (config.kubelet !== undefined) {
    // TLS and the kubelet client are loaded only with --kubelet.
    const { startKubeletWatch } = await import("./kubelet-watch.js");
    const watch = startKubeletWatch({
      endpoint: config.kubelet, nodeName: config.nodeName, signal: prepared.stopping.signal,
      observe: (answer, url, nodeName) => loop.observeKubelet(answer, url, nodeName),
    });
    prepared.onRecorded.push((what) => { if (what === "applied") watch.nudge(); });
    closers.push(() => watch.done);
  }
  if (config.reportGuestAttributes) {
    const { startGuestAttributeReporter } = await import("../report/guest-attribute-reporter.js");
    // The GCE metadata server, found as the GCE source finds it.
    const endpoint = config.metadataEndpoint ?? config.gceMetadataHost ?? LINK_LOCAL_METADATA_ENDPOINT;
    const reporter = startGuestAttributeReporter({ endpoint, nodeName: config.nodeName, log, signal: prepared.stopping.signal });
    prepared.onRecorded.push((_what, snapshot) => reporter.update(snapshot));
    closers.push(() => reporter.done);
  }
  return { close: async () => { for (const close of closers) await close(); } };
}
