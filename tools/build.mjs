// Builds rower for Node: dist/cli.cjs (the whole CLI, one CommonJS bundle), dist/rower.cjs
// (the entry, which runs cli.cjs through V8's code cache: src/cli/load-cached-script.ts) and
// dist/pipeline-worker.mjs (the daemon's worker thread). The commands' own modules stay
// uninitialised until a command runs (esbuild wraps what is imported dynamically), and the
// code cache spares a start most of its parsing and compiling.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { join } from "node:path";

// A bundle hoists every `import ... from "node:http"` to the top of its file, so a
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
await rm(join(dist, "chunks"), { recursive: true, force: true }); // the split build's chunks, never read now
const cliFile = join(dist, "cli.cjs");
const cli = await build({
  ...common,
  format: "cjs",
  // Wrapped as Node wraps a CommonJS module, in the file itself: the loader compiles the text
  // as read, where adding the wrapper at run time would copy 1 MB once more.
  banner: { js: "(function (exports, require, module, __filename, __dirname) {" },
  footer: { js: "})" },
  entryPoints: [new URL("../src/cli/main.ts", import.meta.url).pathname],
  outfile: cliFile,
  metafile: true,
});
const cliSource = await readFile(cliFile, "latin1");
// A vm.Script has no module loader: an import() left in the bundle would fail when it ran.
if (/\bimport\(|import\.meta/.test(cliSource)) throw new Error(`${cliFile}: import() or import.meta left in the CommonJS bundle`);
const entries = [
  await build({
    ...common,
    format: "cjs",
    plugins: [], // the entry needs each built-in it imports at once: plain require()s, no shims
    entryPoints: [new URL("../src/cli/bin.ts", import.meta.url).pathname],
    outfile: join(dist, "rower.cjs"),
    define: { ...common.define, ROWER_CLI_DIGEST: JSON.stringify(createHash("sha256").update(cliSource).digest("hex").slice(0, 16)) },
    metafile: true,
  }),
  await build({
    ...common,
    entryPoints: [new URL("../src/daemon/serve-pipeline.ts", import.meta.url).pathname],
    outfile: join(dist, "pipeline-worker.mjs"),
    banner: { js: requireShim },
    metafile: true,
  }),
];
const entry = join(dist, "rower.cjs");
await writeFile(entry, `#!/usr/bin/env node\n${await readFile(entry, "utf8")}`);
await chmod(entry, 0o755);
await rm(join(dist, "rower.mjs"), { force: true }); // the entry before it was CommonJS
for (const file of [...Object.keys(cli.metafile.outputs), ...entries.flatMap((e) => Object.keys(e.metafile.outputs))]) await assertAscii(file);

// Development only (`npm start` runs the GCE emulator in its own process beside the daemon);
// never shipped: package.json's `files` and the image take cli.cjs and the two entries.
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
