// Bundles the CLI into one ESM file: one file to read at start-up is what keeps
// `rower validate` close to `node -e 0`.
import { build } from "esbuild";
import { chmod, readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { dirname } from "node:path";

// An ESM bundle hoists every `import ... from "node:http"` to the top of the file, so each
// command would load every built-in any command uses (http2, tls, worker_threads...). Routing
// built-ins through a tiny CommonJS shim makes each one a require() inside the lazily
// initialised module that uses it: `rower validate` no longer loads the daemon's network stack.
// commander requires child_process at load (for git-style subcommands rower never uses),
// which drags in net, dgram and streams: hand it a proxy that loads the module on first use.
const DEFERRED_BUILTINS = new Set(["child_process"]);
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^[a-z]/ }, (args) =>
      args.namespace !== "lazy-builtin" && isBuiltin(args.path) ? { path: args.path, namespace: "lazy-builtin" } : undefined);
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      contents: DEFERRED_BUILTINS.has(args.path.replace(/^node:/, ""))
        ? `let loaded; const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const own = Object.getOwnPropertyDescriptor(load(), key);
    return own && { ...own, configurable: true };
  },
});`
        : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
const outfile = new URL("../dist/rower.mjs", import.meta.url).pathname;

// zod re-exports 50 message locales (a fifth of the bundle); rower only uses English,
// which zod's classic API loads by itself. Every module compiled at start-up costs time.
const englishZodOnly = {
  name: "english-zod-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
      resolveDir: dirname(args.path),
    }));
  },
};

await build({
  entryPoints: [new URL("../src/cli/main.ts", import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minifySyntax: true,
  legalComments: "none",
  define: { ROWER_VERSION: JSON.stringify(pkg.version) },
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __rowerRequire } from 'node:module'; const require = __rowerRequire(import.meta.url);",
  },
  plugins: [lazyBuiltins, englishZodOnly],
  logLevel: "warning",
});
await chmod(outfile, 0o755);
