// The `--source` value: auto|gce|ec2|azure|file:PATH|url:URL[#sha256=HEX]. One parser: the
// config module refuses what this refuses, and createSource builds from what it returns.
import type { Platform } from "./detect.js";
import { parsePinnedUrl } from "./pinned-url.js";

export const SOURCE_FORMS = "auto, gce, ec2, azure, file:PATH, url:URL";

export type SourceSpec =
  | { kind: "auto" | Platform }
  | { kind: "file"; path: string }
  | { kind: "url"; url: string };

/** Parses a `--source` value; a string result is the reason it is not one. */
export function parseSourceSpec(spec: string): SourceSpec | string {
  if (spec === "auto" || spec === "gce" || spec === "ec2" || spec === "azure") return { kind: spec };
  if (spec.startsWith("file:")) {
    const path = spec.slice("file:".length);
    return path === "" ? "file: needs a path" : { kind: "file", path };
  }
  if (spec.startsWith("url:")) {
    const url = spec.slice("url:".length);
    const target = parsePinnedUrl(url);
    return typeof target === "string" ? `url: ${target}` : { kind: "url", url };
  }
  return `unknown source: expected ${SOURCE_FORMS}`;
}
