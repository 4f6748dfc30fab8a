// Whether a rendered launch file says the same as the committed one. Ignition JSON and
// the cloud-config are compared with every file's contents decoded (and gunzipped): gzip
// bytes depend on the zlib build, the files they carry do not. The CloudFormation template
// embeds one Ignition line, compared the same way; everything else byte for byte.
import { gunzipSync } from "node:zlib";
import { load, YAML11_SCHEMA } from "js-yaml";
import { decodeFileContents } from "../butane/data-url.js";

const USER_DATA_JSON = /^ *\{"ignition".*$/m;

interface IgnitionLike {
  storage?: { files?: { contents?: { source: string; compression?: string } }[] };
}

/** The config with each file's contents replaced by its decoded bytes (base64). */
function canonicalIgnition(json: string): string {
  const config = JSON.parse(json) as IgnitionLike & Record<string, unknown>;
  for (const file of config.storage?.files ?? []) {
    if (!file.contents) continue;
    const bytes = decodeFileContents(file.contents);
    file.contents = { source: bytes === undefined ? `undecodable:${file.contents.source}` : Buffer.from(bytes).toString("base64") };
  }
  return JSON.stringify(config);
}

/** The cloud-config with gzip+base64 files decoded, as coreos-cloudinit writes them. */
function canonicalCloudConfig(text: string): string {
  const config = load(text, { schema: YAML11_SCHEMA }) as { write_files?: { encoding?: string; content?: string }[] };
  for (const file of config.write_files ?? []) {
    if (file.encoding === "gzip+base64" && file.content !== undefined) {
      file.content = gunzipSync(Buffer.from(file.content, "base64")).toString("utf8");
      delete file.encoding;
    }
  }
  // The comments (and the header saying the files are gzipped) must match too.
  return `${text.split("\n").filter((line) => line.trimStart().startsWith("#")).join("\n")}\n${JSON.stringify(config)}`;
}

export function sameLaunchFile(path: string, rendered: string, committed: string): boolean {
  if (rendered === committed) return true;
  try {
    if (path.endsWith(".ign")) return canonicalIgnition(rendered) === canonicalIgnition(committed);
    if (path.endsWith("cloud-config.yaml")) return canonicalCloudConfig(rendered) === canonicalCloudConfig(committed);
    const a = USER_DATA_JSON.exec(rendered)?.[0];
    const b = USER_DATA_JSON.exec(committed)?.[0];
    if (a === undefined || b === undefined) return false;
    return rendered.replace(a, "") === committed.replace(b, "") && canonicalIgnition(a.trim()) === canonicalIgnition(b.trim());
  } catch (err) {
    // Not JSON or YAML where it belongs, or not gzip: different.
    if (err instanceof SyntaxError || (err as { name?: string }).name === "YAMLException" || (err as { code?: string }).code === "Z_DATA_ERROR") return false;
    throw err;
  }
}
