// `rower render`: each manifest file as rower would write it, sorted by file name.
// yaml: `# file: NAME` then the content, files separated by `---`; json: [{"file","content"}].
// Invalid input prints the errors as `rower validate` does and exits 1.
import { writeEscaped } from "../output/escape-control.js";
import type { V1Pod } from "@kubernetes/client-node";
import { renderManifest } from "../manifests/render-manifest.js";
import { formatJson } from "../validate/format-json.js";
import { formatText, needsOriginPrefix } from "../validate/format-text.js";
import { checkInputs } from "./check-inputs.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import type { RenderFlags } from "./render.js";

export async function runRender(specs: readonly string[], flags: RenderFlags): Promise<number> {
  if (specs.length > 1) {
    writeEscaped(process.stderr, "rower render: one input at a time (FILE or -)\n");
    return EXIT_USAGE;
  }
  const checked = await checkInputs(specs, flags);
  if (!checked.ok) {
    writeEscaped(process.stderr, `rower render: ${checked.message}\n`);
    return EXIT_USAGE;
  }
  const { result, inputCount } = checked;
  if (!result.valid) {
    process.stdout.write(flags.output === "json"
      ? formatJson(result)
      : formatText(result, { prefix: needsOriginPrefix(result, inputCount) }));
    return EXIT_INVALID;
  }
  const files = result.pods
    .map(({ pod }) => renderManifest(pod as V1Pod))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  process.stdout.write(flags.output === "json"
    ? `${JSON.stringify(files.map(({ file, content }) => ({ file, content })), null, 2)}\n`
    : files.map(({ file, content }) => `# file: ${file}\n${content}`).join("---\n"));
  return EXIT_OK;
}
