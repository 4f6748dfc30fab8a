// rower's entry point. Commands register their flags here cheaply and import their
// implementation lazily, so `rower validate` never loads the daemon, HTTP or metrics code.
// The same file is the entry of the worker thread the daemon starts for large payloads
// (daemon/pipeline-worker.ts): one file to ship.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { Command, CommanderError } from "commander";
import { KUBERNETES_VERSION } from "../validate/schema/kubernetes-version.js";
import { registerValidate } from "./validate.js";
import { registerRender } from "./render.js";
import { registerDiff } from "./diff.js";
import { registerRun } from "./run.js";
import { registerStatus } from "./status.js";
import { registerEmulate } from "./emulate.js";
import { registerPolicy } from "./policy.js";
import { registerTrust } from "./trust.js";
import { EXIT_USAGE } from "./exit-codes.js";

declare const ROWER_VERSION: string;

async function runCli(): Promise<void> {
  const program = new Command("rower")
    .description("Feed a standalone kubelet's static-pod directory from cloud instance metadata.")
    .version(`rower ${ROWER_VERSION} (Kubernetes ${KUBERNETES_VERSION})`, "-v, --version")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();

  registerValidate(program);
  registerRender(program);
  registerDiff(program);
  registerRun(program, { workerEntry: new URL(import.meta.url) });
  registerStatus(program);
  registerEmulate(program);
  registerPolicy(program);
  registerTrust(program);

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
