import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startDriftWatch, type DriftWatch } from "../../src/daemon/drift-watch.js";

describe("startDriftWatch", () => {
  let dir: string | undefined;
  let watch: DriftWatch | undefined;
  afterEach(async () => {
    await watch?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reports non-dot changes and ignores dotfiles (rower's temp files and lock)", async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-drift-"));
    const seen: string[] = [];
    let notify: ((file: string) => void) | undefined;
    watch = startDriftWatch({
      dir,
      recheckMs: 3_600_000,
      onDrift: (_cause, file) => {
        if (file === undefined) return;
        seen.push(file);
        notify?.(file);
      },
      onError: (error) => { throw error; },
    });
    const arrived = new Promise<string>((resolve) => { notify = resolve; });
    await writeFile(join(dir, ".rower-web.abc.tmp"), "temp");
    await writeFile(join(dir, "web.yaml"), "kind: Pod\n");
    expect(await arrived).toBe("web.yaml");
    expect(seen.filter((file) => file.startsWith("."))).toEqual([]);
  });

  it("fires the periodic re-check", async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-drift-"));
    const recheck = new Promise<string>((resolve) => {
      watch = startDriftWatch({ dir: dir ?? "", recheckMs: 20, onDrift: (cause) => resolve(cause), onError: (error) => { throw error; } });
    });
    expect(await recheck).toBe("recheck");
  });
});
