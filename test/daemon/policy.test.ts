// `--policy` in the daemon (in-process, against the GCE emulator): a revision breaking the policy
// is refused whole and the files stay; the policy file is followed while the daemon runs, a
// valid edit re-judges the latest revision, an invalid one keeps the previous policy and says why.
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readState } from "../../src/daemon/state-file.js";
import { createHarness, type Harness } from "./daemon-harness.js";
import { podsYaml, podYaml } from "./event-recorder.js";

const HELLO = podYaml("hello");
const HOST = podYaml("host", "nginx:1.27").replace("spec:\n", "spec:\n  hostNetwork: true\n");
const QUAY = podYaml("quay", "quay.io/team/app:1");

describe("the daemon with --policy", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** Writes the policy the way an editor saves: a temp file renamed over it. */
  const writePolicy = async (path: string, text: string): Promise<void> => {
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
  };

  it("refuses a revision that breaks the policy, follows the file, keeps the previous policy when the file goes bad", async () => {
    h = await createHarness(podsYaml(HELLO));
    const policyPath = join(h.root, "policy.yaml");
    await writeFile(policyPath, "podSecurity: baseline\n");
    h.config.policy = policyPath;
    const daemon = await h.start();
    expect(await h.recorder.next("policy.loaded")).toMatchObject({ path: policyPath, policy: "podSecurity baseline", cause: "start" });
    await h.recorder.next("sync.applied");

    // hostNetwork breaks baseline: the whole revision is refused, hello.yaml stays.
    let mark = h.recorder.mark();
    await h.serve(podsYaml(HELLO, HOST));
    const invalid = await h.recorder.next("sync.invalid", mark);
    expect(invalid["errors"]).toEqual([expect.objectContaining({ field: "spec.hostNetwork", type: "Forbidden", rule: "policy.podSecurity.hostNamespaces" })]);
    expect(await h.files()).toEqual(["hello.yaml"]);
    expect((await fetch(`${daemon.healthUrl}/readyz`)).status).toBe(503);

    // A new policy allows it: the latest revision is judged again and applied.
    mark = h.recorder.mark();
    await writePolicy(policyPath, "registries: ['docker.io/library/*']\n");
    expect(await h.recorder.next("policy.loaded", mark)).toMatchObject({ policy: "1 registry pattern(s)", cause: "file changed" });
    expect(await h.recorder.next("sync.applied", mark)).toMatchObject({ created: 1, unchanged: 1 });
    expect(await h.files()).toEqual(["hello.yaml", "host.yaml"]);

    // A broken policy file: the previous policy stays in force, and the state says why.
    mark = h.recorder.mark();
    await writePolicy(policyPath, "registris: []\n");
    expect(await h.recorder.next("policy.invalid", mark)).toMatchObject({
      problems: ['registris: unknown field (did you mean "registries"?)'], action: "keeping the previous policy",
    });
    await h.serve(podsYaml(HELLO, QUAY));
    const refused = await h.recorder.next("sync.invalid", mark);
    expect(refused["errors"]).toEqual([expect.objectContaining({ field: "spec.containers[0].image", rule: "policy.registries" })]);
    expect(await h.files()).toEqual(["hello.yaml", "host.yaml"]);
    const state = await readState(h.stateDir);
    expect(state.kind === "state" && state.state.policy).toEqual({
      path: policyPath, summary: "1 registry pattern(s)", error: 'registris: unknown field (did you mean "registries"?)',
    });
  }, 30_000);

  it("refuses to start on an invalid policy, changing nothing", async () => {
    h = await createHarness(podsYaml(HELLO));
    const policyPath = join(h.root, "policy.yaml");
    await writeFile(policyPath, "podSecurity: strict\n");
    h.config.policy = policyPath;
    await expect(h.start()).rejects.toThrow(/invalid policy .*podSecurity: /);
    await expect(h.files()).rejects.toThrow(/ENOENT/);
  });
});
