// What the kubelet can see while rower applies: readers hammer every file that each revision
// of a stream holds, while another process applies the stream through the real pipeline
// (decode, validate, render, observe, plan, apply). A read must always find one whole
// revision of the file: never missing, never empty, never a prefix or a mix. On a tmpfs when
// this machine can mount one: what is tested is what readers see, not durability (the strace
// test covers that), and there fsync costs nothing.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveDesiredSet } from "../../src/daemon/desired-set.js";
import { decodePayload } from "../../src/decode/decode-payload.js";
import { renderManifest } from "../../src/manifests/render-manifest.js";
import { validateDocuments } from "../../src/validate/validate-documents.js";
import { mountTinyTmpfs, unmount } from "../manifests/scratch-filesystem.js";
import { bundleDriver } from "./crash-rounds.js";
import { steadyPodSetYaml } from "./pod-set.js";

const NODE_NAME = "reader-node";
const SETS = 80;
const READERS = 3;
const STEADY = ["steady-0.yaml", "steady-1.yaml", "steady-2.yaml"];

/** Every revision each steady file has in sets 0..SETS. */
function revisions(seed: number): Map<string, Set<string>> {
  const allowed = new Map(STEADY.map((f) => [f, new Set<string>()]));
  for (let index = 0; index <= SETS; index++) {
    const payload = { kind: "present" as const, source: "s", revision: String(index), bytes: Buffer.from(steadyPodSetYaml(seed, index)) };
    const set = resolveDesiredSet(payload, { decodePayload, validateDocuments, renderManifest }, { maxBytes: 524_288, nodeName: NODE_NAME, keepOnAbsent: false });
    if (set.kind !== "set") throw new Error(`set ${index} is not valid`);
    for (const m of set.manifests) allowed.get(m.file)?.add(m.content);
  }
  return allowed;
}

async function runDriver(driver: string, dir: string, seed: number, start: number, count: number): Promise<number | null> {
  const child = spawn(process.execPath, [driver, dir, String(seed), String(start), String(count), NODE_NAME, "steady"], { stdio: ["ignore", "ignore", "inherit"] });
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

describe("readers during a stream of applies", () => {
  it(`never see a steady file missing, empty or partial across ${SETS} applies`, async () => {
    const seed = Math.floor(Math.random() * 1_000_000);
    const root = await mkdtemp(join(tmpdir(), "rower-readers-"));
    const dir = join(root, "manifests");
    let mounted = false;
    try {
      await mkdir(dir);
      mounted = mountTinyTmpfs(dir, 4096);
      const driver = await bundleDriver(root);
      const allowed = revisions(seed);
      expect(await runDriver(driver, dir, seed, 0, 1)).toBe(0);

      const problems: string[] = [];
      const seen = new Map(STEADY.map((f) => [f, new Set<string>()]));
      let reads = 0;
      let streaming = true;
      const reader = async (): Promise<void> => {
        while (streaming && problems.length === 0) {
          for (const file of STEADY) {
            const text = await readFile(join(dir, file), "utf8").catch((err: NodeJS.ErrnoException) => `<${err.code ?? String(err)}>`);
            reads++;
            if (allowed.get(file)?.has(text)) seen.get(file)?.add(text);
            else problems.push(`${file}: read ${text.length} chars that are no revision of it: ${JSON.stringify(text.slice(0, 60))}…`);
          }
        }
      };
      const readers = Array.from({ length: READERS }, reader);
      const exit = await runDriver(driver, dir, seed, 1, SETS);
      streaming = false;
      await Promise.all(readers);

      expect(problems, `seed ${seed}`).toEqual([]);
      expect(exit).toBe(0);
      // The readers did overlap the applies: they saw files change under them.
      expect(reads).toBeGreaterThan(SETS * STEADY.length);
      for (const file of STEADY) expect(seen.get(file)?.size, `${file}: revisions seen`).toBeGreaterThan(1);
    } finally {
      if (mounted) unmount(dir);
      await rm(root, { recursive: true, force: true });
    }
  });
});
