// rower's entry point: parses the command line against the tree program.ts builds. The same file is the entry of the worker thread the daemon starts for large payloads
// (daemon/pipeline-worker.ts): one file to ship.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { CommanderError } from "commander";
import { EXIT_USAGE } from "./exit-codes.js";
import { forgoOptimizingCompilers } from "./forgo-optimizing-compilers.js";
import { buildProgram } from "./program.js";

async function runCli(): Promise<void> {
  forgoOptimizingCompilers(); // every command, before any of its work (worker threads share the flags)
  const program = buildProgram({ workerEntry: new URL(import.meta.url) });
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version exit 0; every other parse failure is a usage error.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
    } else {
      throw err;
    }
  }
}

async function servePipeline(): Promise<void> {
  const worker = await import("../daemon/pipeline-worker.js");
  if (!worker.isPipelineWorker(workerData)) throw new Error("rower: started as a worker thread without a pipeline request");
  const { decodePayload } = await import("../decode/decode-payload.js");
  const { validateDocuments } = await import("../validate/validate-documents.js");
  const { renderManifest } = await import("../manifests/render-manifest.js");
  // The policy code is loaded only when the request carries a policy.
  const compilePolicy = worker.carriesPolicy(workerData) ? (await import("../policy/check-policy.js")).compilePolicy : undefined;
  worker.servePipelineWorker(workerData, (set) => parentPort?.postMessage(set), {
    decodePayload, validateDocuments, renderManifest, ...(compilePolicy === undefined ? {} : { compilePolicy }),
  });
}

await (isMainThread ? runCli() : servePipeline());
