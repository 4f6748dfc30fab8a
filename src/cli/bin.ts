// The installed entry (dist/rower.mjs). It turns the compile cache on before the rest of
// rower is loaded (compiled code from a cache only helps code loaded after it), then runs
// the CLI. Everything else is in dist/chunks/, loaded per command: `rower validate`
// compiles the validator, not the daemon.
import { enableCompileCache } from "./compile-cache.js";

enableCompileCache();
const { runCli } = await import("./main.js");
// The daemon starts this file beside the entry as a worker for large payloads.
await runCli({ workerEntry: new URL("./pipeline-worker.mjs", import.meta.url) });
