// RFC 2397 data URLs as Ignition reads them in storage.files[].contents.source.
import { gunzipSync, gzipSync } from "node:zlib";

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

export interface FileContents {
  source: string;
  compression?: "gzip";
}

/**
 * File contents as Butane renders them (base/util/url.go MakeDataURL): the shortest of the
 * plain data URL and base64 of the gzipped bytes (level 9), the latter only when it is
 * shorter even counting the `compression: gzip` field Ignition needs to unpack it.
 */
export function encodeFileContents(bytes: Uint8Array): FileContents {
  const plain = encodeDataUrl(bytes);
  const gzipped = `data:;base64,${gzipSync(bytes, { level: 9 }).toString("base64")}`;
  // Key order as Ignition marshals it: compression, then source.
  return gzipped.length + "gzip".length < plain.length ? { compression: "gzip", source: gzipped } : { source: plain };
}

/** Decodes a `data:` URL (percent-encoded or base64); undefined when it is not one. */
export function decodeDataUrl(url: string): Uint8Array | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const [, meta = "", data = ""] = match;
  if (meta.split(";").includes("base64")) return Buffer.from(data, "base64");
  return Buffer.from(decodeURIComponent(data), "utf8");
}

/** The bytes Ignition writes for a file: the data URL decoded, then gunzipped if compressed. */
export function decodeFileContents(contents: { source: string; compression?: string }): Uint8Array | undefined {
  const bytes = decodeDataUrl(contents.source);
  if (bytes === undefined) return undefined;
  if (contents.compression === undefined || contents.compression === "") return bytes;
  if (contents.compression !== "gzip") return undefined;
  return gunzipSync(bytes);
}
