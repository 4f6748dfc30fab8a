// The entry of the worker thread the daemon starts for large payloads
// (dist/pipeline-worker.mjs): decodes, validates and renders one revision, posts the set back.
import { parentPort, workerData } from "node:worker_threads";
import { carriesPolicy, isPipelineWorker, servePipelineWorker } from "./pipeline-worker.js";

if (!isPipelineWorker(workerData)) throw new Error("rower: pipeline-worker.mjs started without a pipeline request");
const [{ decodePayload }, { validateDocuments }, { renderManifest }] = await Promise.all([
  import("../decode/decode-payload.js"), import("../validate/validate-documents.js"), import("../manifests/render-manifest.js"),
]);
// The policy code is loaded only when the request carries a policy.
const compilePolicy = carriesPolicy(workerData) ? (await import("../policy/check-policy.js")).compilePolicy : undefined;
servePipelineWorker(workerData, (set) => parentPort?.postMessage(set), {
  decodePayload, validateDocuments, renderManifest, ...(compilePolicy === undefined ? {} : { compilePolicy }),
});
