// The installed entry (dist/rower.mjs). It sets V8's flags, then loads the CLI, one CommonJS
// bundle (dist/cli.cjs), through V8's code cache: the flags come first because V8 takes a
// cache only under the flags it was made with.
import { fileURLToPath } from "node:url";
import { privateCacheDirectory } from "./compile-cache.js";
import { forgoOptimizingCompilers } from "./forgo-optimizing-compilers.js";
import { loadCachedScript } from "./load-cached-script.js";

/** The digest of dist/cli.cjs, set by tools/build.mjs. */
declare const ROWER_CLI_DIGEST: string;

forgoOptimizingCompilers(); // every command, before any of its work (worker threads share the flags)
const cli = loadCachedScript(fileURLToPath(new URL("./cli.cjs", import.meta.url)), {
  digest: ROWER_CLI_DIGEST,
  directory: privateCacheDirectory(),
}) as typeof import("./main.js");
// The daemon starts this file beside the entry as a worker for large payloads.
await cli.runCli({ workerEntry: new URL("./pipeline-worker.mjs", import.meta.url) });
