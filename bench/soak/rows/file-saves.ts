// The file: source under the saves editors and shells really do.
import { spawnSync } from "node:child_process";
import { mkdtemp, open, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE } from "../../../test/e2e/spawned-rower.js";
import { describeObservation, renderedSet } from "../observer.js";
import { Rig } from "../rig.js";
import type { SoakRow, TrialResult } from "../row.js";
import { AFTER, BEFORE, BEFORE_FILES } from "./pod-sets.js";

export const slowShellSave: SoakRow = {
  name: "file: `> pods.yaml` truncates, the content comes 300 ms later",
  trials: 20,
  trial: async (): Promise<TrialResult> => {
    const rig = await Rig.start({ source: "file", initial: BEFORE });
    try {
      const { observer } = rig;
      observer.declare(renderedSet(BEFORE));
      observer.keep(BEFORE_FILES);
      observer.start();
      observer.expectFinal(renderedSet(AFTER));
      // In place, as a shell redirection does: the file is empty for 300 ms, then written.
      const handle = await open(rig.servedFile, "w");
      await new Promise((resolve) => setTimeout(resolve, 300));
      await handle.writeFile(AFTER);
      await handle.close();
      const convergeMs = await observer.converged();
      const seen = await observer.stop();
      return { lostFiles: seen.lostFiles, partialFiles: seen.partialFiles, mixedSets: seen.mixedSets, convergeMs, peakRssKb: await rig.peakRssKb(), note: describeObservation(seen) };
    } finally {
      await rig.close();
    }
  },
};

export const typoInPath: SoakRow = {
  name: "file: a typo in the path (`run --once --source file:pods.yml`)",
  trials: 5,
  trial: async (): Promise<TrialResult> => {
    const root = await mkdtemp(join(tmpdir(), "rower-soak-typo-"));
    try {
      await writeFile(join(root, "pods.yaml"), BEFORE);
      const run = (file: string): number | null => spawnSync(process.execPath, [BUNDLE, "run", "--once", "--source", `file:${join(root, file)}`,
        "--manifest-dir", join(root, "manifests"), "--state-dir", join(root, "state"), "--node-name", "node-1"], { stdio: "ignore" }).status;
      if (run("pods.yaml") !== 0) return { lostFiles: 0, partialFiles: 0, mixedSets: 0, failure: "the first run failed" };
      const status = run("pods.yml");
      const left = (await readdir(join(root, "manifests"))).filter((f) => !f.startsWith("."));
      const lostFiles = BEFORE_FILES.filter((f) => !left.includes(f)).length;
      return { lostFiles, partialFiles: 0, mixedSets: 0, note: `exit ${status}`, ...(status === 1 ? {} : { failure: `exit ${status}, expected 1` }) };
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
