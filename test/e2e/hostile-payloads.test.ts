// Input within --max-bytes cannot exhaust the daemon: the hostile review's 1 KB value took
// 0.7-1.2 GB and crash-looped a daemon run with a 192 MB heap (a 1 GB VM's default). Here the
// built daemon runs with --max-old-space-size=192 and meets each payload in turn; it refuses
// every one, keeps the files, stays alive, and decodes the large ones off its main thread.
import { spawn } from "node:child_process";
import { gzipSync } from "node:zlib";
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventRecorder, podsYaml, podYaml } from "../daemon/event-recorder.js";
import { BUNDLE, stopProcess } from "./spawned-rower.js";

const pod = (i: number, extra = ""): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n${extra}`;

const HOSTILE: Array<{ desc: string; bytes: () => Uint8Array; rule: string }> = [
  { desc: "base64(gzip) of 74,000 empty documents (1 KB)", bytes: () => Buffer.from(gzipSync("{}\n---\n".repeat(74_000)).toString("base64")), rule: "decode.tooManyDocuments" },
  { desc: "9,999 empty documents", bytes: () => Buffer.from("{}\n---\n".repeat(9_999)), rule: "schema.apiVersion" },
  {
    desc: "one pod with 12,000 containers, each with an unknown field",
    bytes: () => Buffer.from(JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "wide" }, spec: { containers: Array.from({ length: 12_000 }, (_, i) => ({ name: `c${i}`, image: "i", x: 1 })) } })),
    rule: "schema.unknownField",
  },
  {
    desc: "a pod with 20,000 labels",
    bytes: () => Buffer.from(JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "labels", labels: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, "-bad-"])) }, spec: { containers: [{ name: "c", image: "i" }] } })),
    rule: "metadata.labels.value",
  },
  { desc: "2,500 pods, the last one invalid", bytes: () => Buffer.from(Array.from({ length: 2_500 }, (_, i) => pod(i, i === 2_499 ? "    imagee: x\n" : "")).join("---\n")), rule: "schema.unknownField" },
];

describe("hostile payloads within --max-bytes, against a daemon with a 192 MB heap (built CLI)", () => {
  let root = "";
  let daemon: ReturnType<typeof spawn> | undefined;
  const recorder = new EventRecorder();
  const source = (): string => join(root, "pods.yaml");
  const manifestDir = (): string => join(root, "manifests");
  const files = async (): Promise<string[]> => (await readdir(manifestDir())).filter((f) => !f.startsWith(".")).sort();
  /** Replaces the source file whole, as an editor's atomic save does. */
  const serve = async (bytes: Uint8Array | string): Promise<void> => {
    await writeFile(`${source()}.next`, bytes);
    await rename(`${source()}.next`, source());
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "rower-hostile-"));
    await serve(podsYaml(podYaml("hello"), podYaml("clock", "busybox:1.36")));
    daemon = spawn(process.execPath, ["--max-old-space-size=192", BUNDLE, "run", "--log-format", "json", "--source", `file:${source()}`,
      "--manifest-dir", manifestDir(), "--state-dir", join(root, "state"), "--node-name", "node-1"], {
      stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "" },
    });
    daemon.stderr?.setEncoding("utf8").on("data", (chunk: string) => recorder.feed(chunk));
    await recorder.next("sync.applied");
  });
  afterAll(async () => {
    if (daemon) await stopProcess(daemon, "SIGKILL");
    await rm(root, { recursive: true, force: true });
  });

  for (const payload of HOSTILE) {
    it(payload.desc, async () => {
      const before = { files: await files(), hello: await readFile(join(manifestDir(), "hello.yaml"), "utf8") };
      const mark = recorder.mark();
      await serve(payload.bytes());
      const invalid = await recorder.next((e) => e.event === "sync.invalid" || e.event === "sync.applied", mark, 60_000);
      expect(invalid.event).toBe("sync.invalid");
      expect(recorder.named("decode.offThread", mark)).toHaveLength(1);
      expect((invalid.errors as Array<{ rule: string }>).map((e) => e.rule)).toContain(payload.rule);
      expect(Number(invalid.errorCount)).toBeGreaterThanOrEqual((invalid.errors as unknown[]).length);
      expect(daemon?.exitCode).toBeNull();
      expect(await files()).toEqual(before.files);
      expect(await readFile(join(manifestDir(), "hello.yaml"), "utf8")).toBe(before.hello);
    }, 90_000);
  }

  it("afterwards a good revision still applies", async () => {
    const mark = recorder.mark();
    await serve(podsYaml(podYaml("hello"), podYaml("web")));
    expect(await recorder.next("sync.applied", mark)).toMatchObject({ created: 1, deleted: 1 });
    expect(daemon?.exitCode).toBeNull();
  });
});
