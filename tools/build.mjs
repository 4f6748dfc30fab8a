// Bundles the CLI into one ESM file: one file to read at start-up is what keeps
// `rower validate` close to `node -e 0`.
import { build } from "esbuild";
import { chmod, readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";

// An ESM bundle hoists every `import ... from "node:http"` to the top of the file, so each
// command would load every built-in any command uses (http, tls, zlib, worker_threads...).
// Routing built-ins through a one-line CommonJS shim makes each one a require() inside the
// lazily initialised module that uses it: `rower validate` does not load the daemon's
// network stack (measured: start-up 1.86 → 1.73 × `node -e 0`).
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^[a-z]/ }, (args) =>
      args.namespace !== "lazy-builtin" && isBuiltin(args.path) ? { path: args.path, namespace: "lazy-builtin" } : undefined);
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
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

const outfile = new URL("../dist/rower.mjs", import.meta.url).pathname;
await build({
  ...common,
  entryPoints: [new URL("../src/cli/main.ts", import.meta.url).pathname],
  outfile,
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
});
await chmod(outfile, 0o755);
await assertAscii(outfile);

// Development only (`npm start` runs the GCE emulator in its own process beside the daemon);
// never shipped: package.json's `files` and the image take dist/rower.mjs alone.
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
