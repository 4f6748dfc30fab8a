// Regenerates every derived launch file after a change in deploy/, a Butane file or an
// example pod: the .ign files, cloud-config/cloud-config.yaml and the AWS template's
// user-data. Run from anywhere; paths are the repository's.
//   node --import tsx tools/render-launch-material.ts          # write what changed
//   node --import tsx tools/render-launch-material.ts --check  # exit 1 if anything is stale
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { renderLaunchMaterial } from "./launch-material/render-launch-material.js";
import { sameLaunchFile } from "./launch-material/same-launch-file.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });

const result = renderLaunchMaterial((relative) => {
  const path = join(repo, relative);
  return existsSync(path) ? readFileSync(path) : undefined;
});
if (!result.ok) {
  for (const error of result.errors) process.stderr.write(`${error}\n`);
  process.exit(1);
}

let stale = 0;
for (const [path, content] of result.files) {
  const absolute = join(repo, path);
  // Same meaning is up to date: gzip bytes may differ between zlib builds.
  if (existsSync(absolute) && sameLaunchFile(path, content, readFileSync(absolute, "utf8"))) continue;
  stale += 1;
  if (values.check) {
    process.stderr.write(`${path}: out of date\n`);
  } else {
    writeFileSync(absolute, content);
    process.stdout.write(`${path}: written\n`);
  }
}
if (values.check && stale > 0) process.exit(1);
