// What an EC2 instance tag holds for rower: not the pods file (a tag value is at most 256
// characters) but a pointer to it, `url:<https URL>#sha256=<hex>`, read live while the
// instance runs. The emulator's admin API states the same rule with the same words.
import { parsePinnedUrl, type PinnedUrl } from "./pinned-url.js";

export const EC2_TAG_POINTER_FORM = "url:<https URL>#sha256=<hex>, a pointer to the pods file served at that URL, not the file itself";
/** AWS: a tag value is at most 256 Unicode characters. */
export const EC2_TAG_VALUE_MAX_CHARS = 256;
const LOOPBACK_HOSTS = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/;

/** The pinned URL a tag value points at; a string result is why the value is not a pointer. */
export function parseTagPointer(value: string): PinnedUrl | string {
  if (!value.startsWith("url:")) return `tag value must be ${EC2_TAG_POINTER_FORM}`;
  const target = parsePinnedUrl(value.slice("url:".length));
  if (typeof target === "string") return `tag value: ${target}`;
  if (target.sha256 === undefined) return "tag URL must carry #sha256=<hex>";
  // Plain http only to loopback, where the local emulator and tests serve it.
  if (new URL(target.url).protocol !== "https:" && !LOOPBACK_HOSTS.test(new URL(target.url).hostname)) return "tag URL must be https";
  return target;
}
