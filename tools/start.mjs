// `npm start`: the real daemon on a laptop. Builds the bundle when it is missing or older
// than the sources, starts a GCE metadata emulator in this process serving
// examples/pods.yaml, then runs `rower run --source gce` against it, writing ./manifests.
// No cloud, no root, no kubelet needed; the daemon itself knows nothing of the emulator.
// Edit examples/pods.yaml and watch ./manifests follow; Ctrl-C stops it cleanly.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = join(root, "dist", "rower.cjs");
const emulatorBundle = join(root, "dist", "emulator.mjs");

/** Newest modification time under `path` (a file or a directory tree). */
function newestMtime(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function bundleMtime() {
  try {
    return Math.min(statSync(bundle).mtimeMs, statSync(emulatorBundle).mtimeMs);
  } catch (err) {
    if (err.code === "ENOENT") return -1;
    throw err;
  }
}

const sourcesChanged = Math.max(newestMtime(join(root, "src")), newestMtime(join(root, "package.json")));
if (bundleMtime() < sourcesChanged) {
  process.stderr.write("npm start: building dist/rower.cjs\n");
  const build = spawnSync(process.execPath, [join(root, "tools", "build.mjs")], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { startEmulator } = await import(emulatorBundle);
const emulator = await startEmulator("gce", { file: join(root, "examples", "pods.yaml"), key: "kube-pods" });
// The daemon stops on the same Ctrl-C; the emulator must not hold the process open after it.
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => void emulator.close());

// Run the bundle in this very process: Ctrl-C reaches the daemon directly, no relaying.
process.argv = [
  process.execPath, bundle, "run",
  "--source", "gce",
  "--metadata-endpoint", `http://${emulator.env.GCE_METADATA_HOST}`,
  "--manifest-dir", join(root, "manifests"),
  "--state-dir", join(root, ".rower-state"),
  "--log-format", "text",
  ...process.argv.slice(2),
];
await import(bundle);
