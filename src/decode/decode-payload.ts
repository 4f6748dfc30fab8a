// bytes → documents: unwrap whole-payload gzip/base64 (each at most once), cap the size,
// require UTF-8, parse YAML like Go's sigs.k8s.io/yaml, expand List/PodList. Pure: no I/O.
import { DEFAULT_MAX_BYTES } from "../contract/defaults.js";
import type { LocatedError } from "../errors/field-error.js";
import type { Decoded } from "./document.js";
import { decodeError } from "./decode-error.js";
import { decodeUtf8 } from "./decode-utf8.js";
import { expandLists } from "./expand-lists.js";
import { parseYaml } from "./parse-yaml.js";
import { decodeWholeBase64 } from "./unwrap-base64.js";
import { gunzipCapped, isGzip } from "../gzip/gunzip-capped.js";

/**
 * Pods (documents, or List items) one payload may hold. The size cap alone does not bound
 * the work: 512 KiB of `{}` documents is 75,000 of them, each with its own errors.
 */
export const MAX_DOCUMENTS = 10_000;
/** A document start as YAML spells it: `---` at the start of a line, then a blank or the end. */
const DOCUMENT_MARKER = /^---(?=[ \t\r\n]|$)/gm;

export interface DecodeOptions {
  /** Origin name of every document, e.g. a file name or `gce:instance/attributes/kube-pods`. */
  source: string;
  /** Cap on the unwrapped payload, checked before parsing. */
  maxBytes?: number;
}

export function decodePayload(bytes: Uint8Array, options: DecodeOptions): Decoded {
  const { source } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const whole = { source, document: 0 };

  let payload = bytes;
  let gunzipped = false;
  let base64Decoded = false;
  // Cloud user-data arrives as gzip, base64, or base64 of gzip (or gzip of base64): unwrap
  // each layer at most once, so a payload cannot make us loop.
  for (;;) {
    if (!gunzipped && isGzip(payload)) {
      const result = gunzipCapped(payload, maxBytes);
      if (!result.ok) {
        const rule = result.reason === "tooLarge" ? "decode.tooLarge" : "decode.gzip";
        return { kind: "invalid", errors: [decodeError(whole, rule, result.message)] };
      }
      payload = result.bytes;
      gunzipped = true;
      continue;
    }
    if (!base64Decoded) {
      const decoded = decodeWholeBase64(payload);
      // Base64-looking text that decodes to neither gzip nor UTF-8 was text all along.
      if (decoded && (isGzip(decoded) || decodeUtf8(decoded).ok)) {
        payload = decoded;
        base64Decoded = true;
        continue;
      }
    }
    break;
  }

  if (payload.length > maxBytes) {
    return {
      kind: "invalid",
      errors: [decodeError(whole, "decode.tooLarge", `payload is ${payload.length} bytes, more than the ${maxBytes}-byte limit`)],
    };
  }

  const text = decodeUtf8(payload);
  if (!text.ok) {
    return {
      kind: "invalid",
      errors: [decodeError(whole, "decode.utf8", `invalid UTF-8 at byte offset ${text.offset}`, { line: text.line })],
    };
  }

  // Counted on the text before parsing, so a stream of tiny documents is refused before it is built.
  if (countMatches(text.text, DOCUMENT_MARKER) > MAX_DOCUMENTS) return tooManyDocuments(whole);
  const parsed = parseYaml(text.text, source);
  // Only a payload of nothing but blanks, comments and `---` is empty; an explicit null is not.
  if (parsed.errors.length === 0 && parsed.documents.every((d) => d.value === undefined)) return { kind: "empty", source };

  const { documents, errors } = expandLists(parsed.documents, source);
  if (documents.length > MAX_DOCUMENTS) return tooManyDocuments(whole);
  const all = [...parsed.errors, ...errors].sort(byPosition);
  // The documents that did decode travel with the errors, so one run can report them all.
  if (all.length > 0) return { kind: "invalid", errors: all, documents };
  return { kind: "documents", documents };
}

function countMatches(text: string, pattern: RegExp): number {
  let count = 0;
  for (const _ of text.matchAll(pattern)) count++;
  return count;
}

function tooManyDocuments(whole: { source: string; document: number }): Decoded {
  return {
    kind: "invalid",
    errors: [decodeError(whole, "decode.tooManyDocuments", `payload holds more than ${MAX_DOCUMENTS} documents or list items; refusing it whole`)],
  };
}

function byPosition(a: LocatedError, b: LocatedError): number {
  return a.origin.document - b.origin.document || (a.origin.item ?? -1) - (b.origin.item ?? -1);
}
