// Whether a rendered launch file says the same as the committed one. Ignition JSON is
// compared with every file's contents decoded (and gunzipped): gzip bytes depend on the
// zlib build, the files they carry do not. The CloudFormation template embeds one
// Ignition line, compared the same way; everything else must match byte for byte.
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

export function sameLaunchFile(path: string, rendered: string, committed: string): boolean {
  if (rendered === committed) return true;
  try {
    if (path.endsWith(".ign")) return canonicalIgnition(rendered) === canonicalIgnition(committed);
    const a = USER_DATA_JSON.exec(rendered)?.[0];
    const b = USER_DATA_JSON.exec(committed)?.[0];
    if (a === undefined || b === undefined) return false;
    return rendered.replace(a, "") === committed.replace(b, "") && canonicalIgnition(a.trim()) === canonicalIgnition(b.trim());
  } catch (err) {
    if (err instanceof SyntaxError) return false; // not JSON where JSON belongs: different
    throw err;
  }
}
