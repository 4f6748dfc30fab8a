// RFC 2397 data URLs as Ignition reads them in storage.files[].contents.source.

/** Encodes bytes as a data URL the way Butane does for small files: the shorter form wins. */
export function encodeDataUrl(bytes: Uint8Array): string {
  const base64 = `data:;base64,${Buffer.from(bytes).toString("base64")}`;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (err) {
    if (err instanceof TypeError) return base64; // not UTF-8 text: only base64 can carry it
    throw err;
  }
  const percent = `data:,${encodeURIComponent(text)}`;
  return percent.length <= base64.length ? percent : base64;
}

/** Decodes a `data:` URL (percent-encoded or base64); undefined when it is not one. */
export function decodeDataUrl(url: string): Uint8Array | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const [, meta = "", data = ""] = match;
  if (meta.split(";").includes("base64")) return Buffer.from(data, "base64");
  return Buffer.from(decodeURIComponent(data), "utf8");
}
