// Input and clients that try to exhaust the daemon: hostile payloads within --max-bytes
// against a 192 MB heap, and a flood of idle connections to --listen.
import { connect, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { describeObservation, renderedSet } from "../observer.js";
import { Rig } from "../rig.js";
import type { SoakRow, TrialResult } from "../row.js";
import { AFTER, BEFORE, BEFORE_FILES } from "./pod-sets.js";

const pod = (i: number, extra = ""): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n${extra}`;

/** Payloads within 512 KiB that once cost gigabytes, each refused whole. */
const HOSTILE: Array<() => string | Uint8Array> = [
  () => Buffer.from(gzipSync("{}\n---\n".repeat(74_000)).toString("base64")),
  () => "{}\n---\n".repeat(9_999),
  () => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "wide" }, spec: { containers: Array.from({ length: 12_000 }, (_, i) => ({ name: `c${i}`, image: "i", x: 1 })) } }),
  () => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "labels", labels: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, "-bad-"])) }, spec: { containers: [{ name: "c", image: "i" }] } }),
  () => Array.from({ length: 2_500 }, (_, i) => pod(i, i === 2_499 ? "    imagee: x\n" : "")).join("---\n"),
  () => Array.from({ length: 2_500 }, (_, i) => `a${i}: ${"[".repeat(90)}${"]".repeat(90)}\n`).join(""),
];

export const hostilePayloads: SoakRow = {
  name: "hostile payloads within --max-bytes, daemon heap 192 MB",
  trials: 3,
  trial: async (): Promise<TrialResult> => {
    const rig = await Rig.start({ source: "file", initial: BEFORE, nodeArgs: ["--max-old-space-size=192"] });
    try {
      const { observer } = rig;
      observer.declare(renderedSet(BEFORE));
      observer.keep(BEFORE_FILES);
      observer.start();
      for (const payload of HOSTILE) {
        const mark = rig.recorder.mark();
        await rig.writeServed(payload());
        await rig.recorder.next((e) => e.event === "sync.invalid" || e.event === "sync.applied", mark, 120_000);
      }
      observer.expectFinal(renderedSet(AFTER));
      await rig.writeServed(AFTER);
      const convergeMs = await observer.converged();
      const seen = await observer.stop();
      return {
        lostFiles: seen.lostFiles, partialFiles: seen.partialFiles, mixedSets: seen.mixedSets, convergeMs, peakRssKb: await rig.peakRssKb(),
        note: [`${HOSTILE.length} payloads refused`, describeObservation(seen)].filter(Boolean).join("; "), ...(rig.alive() ? {} : { failure: "the daemon died" }),
      };
    } finally {
      await rig.close();
    }
  },
};

export const idleConnections: SoakRow = {
  name: "400 idle connections to --listen, 128 descriptors",
  trials: 3,
  trial: async (): Promise<TrialResult> => {
    const rig = await Rig.start({ source: "gce", initial: BEFORE, daemonArgs: ["--listen", "127.0.0.1:0"], wrapper: ["prlimit", "--nofile=128"] });
    const sockets: Socket[] = [];
    try {
      const started = await rig.recorder.next("daemon.started");
      const { hostname, port } = new URL(String(started.healthUrl));
      for (let i = 0; i < 400; i++) {
        const socket = connect(Number(port), hostname);
        socket.on("error", () => undefined); // a shed connection is reset: the point of the row
        sockets.push(socket);
      }
      const { observer } = rig;
      observer.declare(renderedSet(BEFORE));
      observer.keep(BEFORE_FILES);
      observer.start();
      observer.expectFinal(renderedSet(AFTER));
      await rig.serve(AFTER);
      const convergeMs = await observer.converged();
      const seen = await observer.stop();
      const failed = rig.recorder.named("sync.failed").length;
      return {
        lostFiles: seen.lostFiles, partialFiles: seen.partialFiles, mixedSets: seen.mixedSets, convergeMs, peakRssKb: await rig.peakRssKb(),
        note: [`${failed} failed syncs`, describeObservation(seen)].filter(Boolean).join("; "), ...(failed > 0 ? { failure: `${failed} syncs failed` } : {}),
      };
    } finally {
      for (const socket of sockets) socket.destroy();
      await rig.close();
    }
  },
};
