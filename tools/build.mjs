// Builds the CLI as ES modules split per command: dist/rower.mjs (the entry),
// dist/pipeline-worker.mjs (the daemon's worker thread) and dist/chunks/, which every command
// loads its share of. `rower validate` compiles the validator and not the daemon, metrics or
// HTTP code: a command's start-up is Node's own plus the code it runs.
import { build } from "esbuild";
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { join } from "node:path";

// An ESM bundle hoists every `import ... from "node:http"` to the top of its file, so a
// command would load every built-in the code beside it uses (http, tls, zlib...). Routing
// built-ins through a one-line CommonJS shim makes each one a require() inside the lazily
// initialised module that uses it.
// commander requires child_process at load and uses it only to run `git-style` executable
// subcommands, which rower has none of: its child_process is loaded on first use (5 ms of
// every start).
const deferredFor = [{ importer: /node_modules\/commander\//, builtin: "node:child_process" }];
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^[a-z]/ }, (args) => {
      if (args.namespace === "lazy-builtin" || args.namespace === "deferred-builtin" || !isBuiltin(args.path)) return undefined;
      const deferred = deferredFor.some((d) => d.importer.test(args.importer) && d.builtin === args.path);
      return { path: args.path, namespace: deferred ? "deferred-builtin" : "lazy-builtin" };
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
    b.onLoad({ filter: /.*/, namespace: "deferred-builtin" }, (args) => ({
      contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require(${JSON.stringify(args.path)}))[key] });`,
      loader: "js",
    }));
  },
};

const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minifySyntax: true,
  legalComments: "none",
  define: { ROWER_VERSION: JSON.stringify(pkg.version) },
  plugins: [lazyBuiltins],
  logLevel: "warning",
};
// CommonJS dependencies inside an ESM bundle still call require().
const requireShim = "import { createRequire as __rowerRequire } from 'node:module'; const require = __rowerRequire(import.meta.url);";

const dist = new URL("../dist/", import.meta.url).pathname;
await rm(join(dist, "chunks"), { recursive: true, force: true }); // no chunk of an older build lingers
const shipped = await build({
  ...common,
  entryPoints: {
    rower: new URL("../src/cli/bin.ts", import.meta.url).pathname,
    "pipeline-worker": new URL("../src/daemon/serve-pipeline.ts", import.meta.url).pathname,
  },
  outdir: dist,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  banner: { js: requireShim },
  metafile: true,
});
const entry = join(dist, "rower.mjs");
await writeFile(entry, `#!/usr/bin/env node\n${await readFile(entry, "utf8")}`);
await chmod(entry, 0o755);
for (const file of Object.keys(shipped.metafile.outputs)) await assertAscii(file);

// Development only (`npm start` runs the GCE emulator in its own process beside the daemon);
// never shipped: package.json's `files` and the image take the two entries and dist/chunks/.
await build({
  ...common,
  entryPoints: [new URL("../src/emulator/start-emulator.ts", import.meta.url).pathname],
  outfile: new URL("../dist/emulator.mjs", import.meta.url).pathname,
  banner: { js: requireShim },
});

// esbuild escapes non-ASCII in strings, but keeps comments on class fields as written. One
// non-ASCII byte makes V8 hold the whole source as a two-byte string (3 MB instead of 1.5)
// and decode it the slow way at every start: keep the bundle ASCII.
async function assertAscii(file) {
  const text = await readFile(file, "latin1");
  const at = text.search(/[^\x00-\x7f]/);
  if (at < 0) return;
  const line = text.slice(0, at).split("\n").length;
  throw new Error(`${file}:${line}: non-ASCII byte in the bundle (a comment esbuild kept?): ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))}`);
}
