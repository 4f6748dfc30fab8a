// Bundles the CLI into one ESM file: one file to read at start-up is what keeps
// `rower validate` close to `node -e 0`.
import { build } from "esbuild";
import { chmod, readFile } from "node:fs/promises";

const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
const outfile = new URL("../dist/rower.mjs", import.meta.url).pathname;

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
  logLevel: "warning",
});
await chmod(outfile, 0o755);
