// What a file in the manifest directory says about itself: does it carry rower's ownership
// marker, and which pod does it declare.
//
// Parsed, not regex-matched: the marker grants rower the right to rewrite and delete a
// file, so a foreign file that merely mentions `rower.static/managed: "true"` in a comment,
// a label or an env value must not count. The files are small (the kubelet caps them at
// 10 MiB, pods are KiB) and only read on a sync, so a YAML parse per file is cheap enough.
import { load, YAML11_SCHEMA } from "js-yaml";
import { MANAGED_ANNOTATION, MANAGED_VALUE, type PodKey } from "../naming/manifest-naming.js";
import { isMapping } from "../guards/is-mapping.js";

export interface ManifestIdentity {
  marker: boolean;
  pod?: PodKey;
}

export function readManifestIdentity(text: string): ManifestIdentity {
  const value = parseOnePod(text);
  if (!isMapping(value)) return { marker: false };
  const metadata = value["metadata"];
  if (!isMapping(metadata)) return { marker: false };
  const annotations = metadata["annotations"];
  const marker = isMapping(annotations) && annotations[MANAGED_ANNOTATION] === MANAGED_VALUE;
  const name = metadata["name"];
  const namespace = metadata["namespace"];
  if (typeof name !== "string" || name === "") return { marker };
  const ns = typeof namespace === "string" && namespace !== "" ? namespace : "default";
  return { marker, pod: { namespace: ns, name } };
}

/**
 * The kubelet reads one pod per file with a YAML 1.1 reader; a file it cannot read as one
 * document declares nothing, so a parse failure is an answer here ("no identity"), not an error.
 */
function parseOnePod(text: string): unknown {
  try {
    // Aliases are capped: a foreign file must not be able to blow up rower's memory.
    return load(text, { schema: YAML11_SCHEMA, json: true, maxAliases: 100 });
  } catch (err) {
    if (err instanceof Error) return undefined;
    throw err;
  }
}
