// kubectl reads a payload whose first character is "{" as a stream of JSON values
// (YAMLOrJSONDecoder over json.Decoder): `{…}{…}` or `{…}\n{…}` are several objects. js-yaml
// sees one malformed document there, so such a stream is split into its values first.

export interface JsonPart {
  /** Offset of the value in the payload text. */
  start: number;
  text: string;
}

/** The top-level values of a stream of two or more JSON objects, or undefined for anything else. */
export function splitJsonStream(text: string): JsonPart[] | undefined {
  const first = text.search(/\S/);
  if (first < 0 || text[first] !== "{") return undefined;
  const parts: JsonPart[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = first; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 0) {
      if (c === " " || c === "\t" || c === "\n" || c === "\r") continue;
      if (c !== "{") return undefined; // only objects follow one another in a stream of pods
      start = i;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) parts.push({ start, text: text.slice(start, i + 1) });
    }
  }
  return depth === 0 && parts.length >= 2 ? parts : undefined;
}
