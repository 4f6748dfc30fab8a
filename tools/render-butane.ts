// Renders a Butane file of rower's launch material to Ignition 3.3.0, like
// `butane --files-dir . FILE.bu` for the subset rower uses:
//   node --import tsx tools/render-butane.ts cloud-config/flatcar.bu > cloud-config/flatcar.ign
// `local:` paths are relative to --files-dir (default: the current directory).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { renderButaneConfig } from "./butane/render-butane-config.js";

const { values, positionals } = parseArgs({
  options: { "files-dir": { type: "string", default: "." } },
  allowPositionals: true,
});
const file = positionals[0];
if (positionals.length !== 1 || file === undefined) {
  process.stderr.write("usage: render-butane.ts [--files-dir DIR] FILE.bu\n");
  process.exit(2);
}
const filesDir = values["files-dir"];
const result = renderButaneConfig(readFileSync(file, "utf8"), (relative) => {
  const path = join(filesDir, relative);
  return existsSync(path) ? readFileSync(path) : undefined;
});
if (result.ok) {
  process.stdout.write(result.json);
} else {
  for (const error of result.errors) process.stderr.write(`${file}: ${error}\n`);
  process.exit(1);
}
