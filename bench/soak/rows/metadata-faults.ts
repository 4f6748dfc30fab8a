// Faults of the metadata server, through the built emulator: bodies cut short, a lone 404,
// a server that ignores wait_for_change, a key that flaps.
import { describeObservation, renderedSet } from "../observer.js";
import { Rig } from "../rig.js";
import type { SoakRow, TrialResult } from "../row.js";
import { AFTER, BEFORE, BEFORE_FILES } from "./pod-sets.js";

const INSTANCE = "/computeMetadata/v1/instance/";

/** Starts a rig on BEFORE, observes while `fault` runs, then waits for `final` (default AFTER). */
async function observeFault(rig: Rig, fault: () => Promise<void>, final = AFTER): Promise<TrialResult> {
  const { observer } = rig;
  observer.declare(renderedSet(BEFORE));
  observer.keep(BEFORE_FILES.filter((file) => renderedSet(final).has(file)));
  observer.start();
  observer.expectFinal(renderedSet(final));
  await fault();
  const convergeMs = await observer.converged();
  const seen = await observer.stop();
  return {
    lostFiles: seen.lostFiles, partialFiles: seen.partialFiles, mixedSets: seen.mixedSets, convergeMs,
    peakRssKb: await rig.peakRssKb(), ...(rig.alive() ? {} : { failure: "the daemon died" }),
    note: describeObservation(seen),
  };
}

async function withRig(options: Parameters<typeof Rig.start>[0], body: (rig: Rig) => Promise<TrialResult>): Promise<TrialResult> {
  const rig = await Rig.start(options);
  try {
    return await body(rig);
  } finally {
    await rig.close();
  }
}

export const truncatedGce: SoakRow = {
  name: "GCE: 200 bodies cut short without framing (key read and long poll)",
  trials: 20,
  trial: () => withRig({ source: "gce", initial: BEFORE }, (rig) => observeFault(rig, async () => {
    await rig.admin("POST", "faults", JSON.stringify({ truncateUnframed: 3, path: INSTANCE }));
    await rig.serve(AFTER);
  })),
};

export const truncatedEc2: SoakRow = {
  name: "EC2: user-data polls cut short without framing",
  trials: 20,
  trial: () => withRig({ source: "ec2", initial: BEFORE }, (rig) => observeFault(rig, async () => {
    await rig.admin("POST", "faults", JSON.stringify({ truncateUnframed: 3, path: "/latest/user-data" }));
    await rig.serve(AFTER);
  })),
};

export const lone404: SoakRow = {
  name: "GCE: one 404 on the instance attributes, key unchanged",
  trials: 20,
  trial: () => withRig({ source: "gce", initial: BEFORE }, async (rig) => {
    // A first no-op change settles the watch into its long poll; the 404 meets the next one.
    let mark = rig.recorder.mark();
    await rig.serve(`# settle\n${BEFORE}`);
    await rig.recorder.next("sync.unchanged", mark);
    mark = rig.recorder.mark();
    const result = await observeFault(rig, async () => {
      await rig.admin("POST", "faults", JSON.stringify({ status: 404, count: 1, path: INSTANCE }));
      await rig.serve(`# touched\n${BEFORE}`);
      const pending = await rig.recorder.next("wipe.pending", mark);
      await rig.recorder.next((e) => e.event === "sync.unchanged" || e.event === "sync.applied", rig.recorder.events.indexOf(pending) + 1);
    }, BEFORE);
    return { ...result, note: ["wipe guard: second read found the key", result.note].filter(Boolean).join("; ") };
  }),
};

export const ignoresWaitForChange: SoakRow = {
  name: "GCE: a server that ignores wait_for_change",
  trials: 3,
  trial: () => withRig({ source: "gce", initial: BEFORE }, async (rig) => {
    await rig.admin("POST", "faults", JSON.stringify({ ignoreWaitForChange: true }));
    // Wake the long polls in flight (they arrived before the fault), so the next ones meet it.
    const mark = rig.recorder.mark();
    await rig.serve(`# wake\n${BEFORE}`);
    await rig.recorder.next("sync.unchanged", mark);
    const before = await requestCount(rig);
    const started = performance.now();
    // The observed window: the daemon's own log of sync events cannot show idle polling, the emulator's count can.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const perSecond = ((await requestCount(rig)) - before) / ((performance.now() - started) / 1000);
    await rig.admin("DELETE", "faults");
    const result = await observeFault(rig, () => rig.serve(AFTER));
    const failure = perSecond > 4 ? `${perSecond.toFixed(1)} requests/s` : undefined;
    return { ...result, note: [`${perSecond.toFixed(1)} requests/s while ignored (2 scopes)`, result.note].filter(Boolean).join("; "), ...(failure ? { failure } : {}) };
  }),
};

export const flappingKey: SoakRow = {
  name: "GCE: a key flapping 60 times as fast as it can be set",
  trials: 5,
  trial: () => withRig({ source: "gce", initial: BEFORE }, async (rig) => {
    const mark = rig.recorder.mark();
    const started = performance.now();
    const result = await observeFault(rig, async () => {
      for (let i = 0; i < 60; i++) await rig.serve(i % 2 === 0 ? AFTER : BEFORE);
      await rig.serve(AFTER);
    });
    const seconds = (performance.now() - started) / 1000;
    const rewrites = rig.recorder.named("manifest.written", mark).length;
    // Both sets were declared, so an applied flip is not a loss: the rate is what this row shows.
    return { ...result, note: [`${rewrites} file writes in ${seconds.toFixed(1)} s (61 revisions)`, result.note].filter(Boolean).join("; ") };
  }),
};

async function requestCount(rig: Rig): Promise<number> {
  const response = await fetch(`${rig.emulator?.url}/_emulator/requests`);
  return ((await response.json()) as unknown[]).length;
}
