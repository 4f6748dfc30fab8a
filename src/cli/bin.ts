// The installed entry (dist/rower.cjs). It sets V8's flags, then loads the CLI, one CommonJS
// bundle (dist/cli.cjs), through V8's code cache: the flags come first because V8 takes a
// cache only under the flags it was made with. The entry is CommonJS itself, built so: an
// ES module entry would start Node's ES module loader, which nothing else here needs.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { privateCacheDirectory } from "./compile-cache.js";
import { forgoOptimizingCompilers } from "./forgo-optimizing-compilers.js";
import { loadCachedScript } from "./load-cached-script.js";

/** The digest of dist/cli.cjs, set by tools/build.mjs. */
declare const ROWER_CLI_DIGEST: string;

forgoOptimizingCompilers(); // every command, before any of its work (worker threads share the flags)
const cli = loadCachedScript(join(__dirname, "cli.cjs"), {
  digest: ROWER_CLI_DIGEST,
  command: process.argv.slice(2).find((arg) => !arg.startsWith("-")) ?? "",
  directory: privateCacheDirectory(),
  require,
}).exports as typeof import("./main.js");
// The daemon starts this file beside the entry as a worker for large payloads. A failure
// rejects here, and Node reports the unhandled rejection and exits 1, as a top-level await would.
void cli.runCli({ workerEntry: pathToFileURL(join(__dirname, "pipeline-worker.mjs")) });
