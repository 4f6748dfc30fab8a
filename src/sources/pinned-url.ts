// `https://host/path#sha256=<hex>`: a URL and an optional digest pin (the fragment stays
// local: it is never sent). Used for `--source url:` and for the EC2 tag pointer, whose
// value comes from a metadata answer: so a reason never quotes the text it refuses.

export interface PinnedUrl {
  url: string;
  sha256?: string;
}

/** Splits off the pin; a string result is why `text` is not a pinned http(s) URL. */
export function parsePinnedUrl(text: string): PinnedUrl | string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch (err) {
    if (err instanceof TypeError) return "not a URL";
    throw err;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "scheme must be http or https";
  const fragment = parsed.hash.slice(1);
  parsed.hash = "";
  if (fragment === "") return { url: parsed.toString() };
  const pin = /^sha256=([0-9a-fA-F]{64})$/.exec(fragment);
  if (pin === null || pin[1] === undefined) return "fragment must be #sha256=<64 hex digits>";
  return { url: parsed.toString(), sha256: pin[1].toLowerCase() };
}
