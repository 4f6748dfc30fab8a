// Signed specs end to end: keys made and payloads signed by the built CLI (`rower keygen`,
// `rower sign`), served by the built GCE emulator, followed by the built daemon with --trust.
// Every refused step must leave every manifest byte and mtime as it was: nothing is applied
// unless its signature verifies over the exact bytes served beside it.
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { podsYaml, podYaml } from "../daemon/event-recorder.js";
import { BUNDLE, spawnDaemon, spawnEmulator, stopProcess, type SpawnedDaemon, type SpawnedEmulator } from "./spawned-rower.js";

const P1 = podsYaml(podYaml("hello"));
const P2 = podsYaml(podYaml("hello", "nginx:1.28"), podYaml("clock", "busybox:1.36"));

function cli(...args: string[]): string {
  const run = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`rower ${args.join(" ")}: exit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

describe("signed specs (built CLI against rower emulate gce)", () => {
  let root: string;
  let emulator: SpawnedEmulator;
  let daemon: SpawnedDaemon | undefined;
  const keys = { a: "", b: "" };
  const manifestDir = (): string => join(root, "manifests");
  const admin = async (method: string, route: string, body?: string): Promise<void> => {
    const response = await fetch(`${emulator.url}/_emulator/${route}`, { method, body: body ?? null });
    expect(response.ok, `${method} ${route}`).toBe(true);
  };
  /** `rower sign` over the exact bytes about to be served. */
  const sign = async (key: "a" | "b", text: string): Promise<string> => {
    const file = join(root, `payload-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    return cli("sign", "--key", join(keys[key], "rower.key"), file);
  };
  const keyId = (key: "a" | "b"): string => /key id\s+([0-9a-f]{16})/.exec(cli("keygen", "--out", keys[key]))?.[1] ?? "";
  const snapshot = async (): Promise<Record<string, { bytes: string; mtime: number }>> => {
    const files = (await readdir(manifestDir())).filter((f) => !f.startsWith(".")).sort();
    return Object.fromEntries(await Promise.all(files.map(async (f) => [f, { bytes: await readFile(join(manifestDir(), f), "utf8"), mtime: (await stat(join(manifestDir(), f))).mtimeMs }])));
  };
  const args = (...trust: Array<"a" | "b">): string[] => [
    "--source", "gce", "--no-project-fallback", "--manifest-dir", manifestDir(), "--state-dir", join(root, "state"), "--node-name", "node-1",
    ...trust.flatMap((k) => ["--trust", join(keys[k], "rower.pub")]),
  ];
  const once = (...trust: Array<"a" | "b">): { status: number | null; events: Array<Record<string, unknown>> } => {
    const run = spawnSync(process.execPath, [BUNDLE, "run", "--once", "--log-format", "json", ...args(...trust)], { env: { PATH: process.env.PATH ?? "", ...emulator.env }, encoding: "utf8" });
    return { status: run.status, events: run.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>) };
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-signed-"));
    keys.a = join(root, "keys-a");
    keys.b = join(root, "keys-b");
    await writeFile(join(root, "pods.yaml"), P1);
    emulator = await spawnEmulator("gce", join(root, "pods.yaml"));
  });
  afterEach(async () => {
    if (daemon) await stopProcess(daemon.child, "SIGKILL");
    daemon = undefined;
    await stopProcess(emulator.child);
    await rm(root, { recursive: true, force: true });
  });

  it("the daemon applies only what verifies: tampered payload, tampered signature, wrong key, missing signature and an absent key change nothing", async () => {
    const a = keyId("a");
    keyId("b");
    await admin("PUT", "instance/attributes/kube-pods-signature", await sign("a", P1));
    daemon = spawnDaemon([...args("a"), "--listen", "127.0.0.1:0"], emulator.env);
    const { recorder } = daemon;
    const started = await recorder.next("daemon.started");
    expect(await recorder.next("sync.applied")).toMatchObject({ created: 1, signedBy: a });
    const readyz = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${String(started["healthUrl"])}/readyz`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    /** Each step is refused whole: the event names the rule, readiness says why, no file changes. */
    const refused = async (step: string, change: () => Promise<void>, rule: string): Promise<void> => {
      const before = await snapshot();
      const mark = recorder.mark();
      await change();
      const invalid = await recorder.next((e) => e.event === "sync.invalid" && JSON.stringify(e["errors"]).includes(rule), mark);
      expect(invalid["errors"], step).toEqual([expect.objectContaining({ rule })]);
      expect(await snapshot(), step).toEqual(before);
      expect(recorder.named("sync.applied", mark), step).toEqual([]);
      const ready = await readyz();
      expect(ready.status, step).toBe(503);
      expect(ready.body, step).toMatchObject({ reason: "revision-refused" });
    };

    await refused("payload changed without a new signature", () => admin("PUT", "instance/attributes/kube-pods", P2), "trust.signatureInvalid");

    // Signing the new payload applies it.
    let mark = recorder.mark();
    const good = await sign("a", P2);
    await admin("PUT", "instance/attributes/kube-pods-signature", good);
    expect(await recorder.next("sync.applied", mark)).toMatchObject({ created: 1, updated: 1, signedBy: a });
    expect((await readyz()).status).toBe(200);

    const flipped = `${good.startsWith("A") ? "B" : "A"}${good.slice(1)}`;
    await refused("tampered signature", () => admin("PUT", "instance/attributes/kube-pods-signature", flipped), "trust.signatureInvalid");
    await refused("signed by a key not trusted", async () => admin("PUT", "instance/attributes/kube-pods-signature", await sign("b", P2)), "trust.signatureInvalid");
    await refused("missing signature", () => admin("DELETE", "instance/attributes/kube-pods-signature"), "trust.signatureMissing");
    await refused("not a signature at all", () => admin("PUT", "instance/attributes/kube-pods-signature", "hello"), "trust.signatureMalformed");

    // The valid pair again: nothing to change.
    mark = recorder.mark();
    await admin("PUT", "instance/attributes/kube-pods-signature", good);
    expect(await recorder.next("sync.unchanged", mark)).toMatchObject({ unchanged: 2, signedBy: a });

    // Deleting the key (and its signature) is unsigned too: no wipe, not even after the guard's delay.
    await refused("absent key", async () => {
      await admin("DELETE", "instance/attributes/kube-pods");
      await admin("DELETE", "instance/attributes/kube-pods-signature");
    }, "trust.absent");
    expect(recorder.named("wipe.pending")).toEqual([]);

    // A signed empty value is how everything is removed; the wipe guard still confirms it.
    mark = recorder.mark();
    await admin("PUT", "instance/attributes/kube-pods", "");
    await admin("PUT", "instance/attributes/kube-pods-signature", await sign("a", ""));
    await recorder.next("wipe.pending", mark);
    expect(await recorder.next("sync.applied", mark)).toMatchObject({ deleted: 2, pods: 0, signedBy: a });
  }, 60_000);

  it("rotation: several keys at once while rotating; a retired key verifies nothing", async () => {
    const a = keyId("a");
    const b = keyId("b");
    // Rolling out key b while a is still trusted: a value signed by b applies.
    await admin("PUT", "instance/attributes/kube-pods-signature", await sign("b", P1));
    let run = once("a", "b");
    expect(run.status).toBe(0);
    expect(run.events.find((e) => e.event === "sync.applied")).toMatchObject({ created: 1, signedBy: b });
    const before = await snapshot();

    // Key a retired: a value signed by it is refused, --once exits 1 and nothing changes.
    await admin("PUT", "instance/attributes/kube-pods", P2);
    await admin("PUT", "instance/attributes/kube-pods-signature", await sign("a", P2));
    run = once("b");
    expect(run.status).toBe(1);
    expect(run.events.find((e) => e.event === "sync.invalid")?.["errors"]).toEqual([expect.objectContaining({ rule: "trust.signatureInvalid" })]);
    expect(await snapshot()).toEqual(before);

    // Both trusted again (say, mid-rotation on another VM): a's signature verifies.
    run = once("a", "b");
    expect(run.status).toBe(0);
    expect(run.events.find((e) => e.event === "sync.applied")).toMatchObject({ created: 1, updated: 1, signedBy: a });
  }, 60_000);

  it("refuses to start when a --trust file is not a public key", async () => {
    keyId("a");
    const run = spawnSync(process.execPath, [BUNDLE, "run", "--once", "--log-format", "json", ...args(), "--trust", join(keys.a, "rower.key")], { env: { PATH: process.env.PATH ?? "", ...emulator.env }, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("holds a private key");
    await expect(readdir(manifestDir())).rejects.toThrow(/ENOENT/);
  });
});
