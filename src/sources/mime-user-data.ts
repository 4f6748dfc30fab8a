// cloud-init MIME multipart user-data: every `text/x-kube-pods` part, found the way
// cloud-init walks a message (nested `multipart/*` parts included), taken in order as one
// stream of YAML documents. Parts may be base64 or quoted-printable encoded.

export const KUBE_PODS_MIME_TYPE = "text/x-kube-pods";

export type MimeExtraction = { kind: "spec"; bytes: Uint8Array } | { kind: "absent"; reason: string } | { kind: "invalid"; message: string };

/** Nesting deeper than this is not user-data anyone writes; refuse rather than recurse on. */
const MAX_DEPTH = 8;

interface MimeEntity {
  headers: Map<string, string>;
  body: string;
}

function parseEntity(text: string): MimeEntity {
  const split = /\r?\n\r?\n/.exec(text);
  const headerText = split === null ? text : text.slice(0, split.index);
  const body = split === null ? "" : text.slice(split.index + split[0].length);
  const headers = new Map<string, string>();
  // Folded header lines continue with whitespace.
  for (const line of headerText.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function mediaType(entity: MimeEntity): string {
  return (entity.headers.get("content-type") ?? "text/plain").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** RFC 2045 quoted-printable: `=` + CRLF is a soft line break, `=XX` one byte. */
function decodeQuotedPrintable(text: string): Buffer {
  const pieces: Buffer[] = [];
  // split() with a capture group alternates literal text and the hex of each escape.
  const parts = text.replace(/=[ \t]*\r?\n/g, "").split(/=([0-9A-Fa-f]{2})/);
  for (const [index, part] of parts.entries()) {
    pieces.push(index % 2 === 0 ? Buffer.from(part, "utf8") : Buffer.from([Number.parseInt(part, 16)]));
  }
  return Buffer.concat(pieces);
}

function decodeBody(entity: MimeEntity): Buffer | string {
  const encoding = (entity.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(entity.body.replace(/\s+/g, ""), "base64");
  if (encoding === "quoted-printable") return decodeQuotedPrintable(entity.body);
  if (encoding === "7bit" || encoding === "8bit" || encoding === "binary") return Buffer.from(entity.body, "utf8");
  // The value is user-data: not quoted back.
  return "unsupported Content-Transfer-Encoding (base64, quoted-printable, 7bit, 8bit and binary are read)";
}

/** Appends the decoded kube-pods parts under `entity` to `found`; a string is why it cannot. */
function collectKubePods(entity: MimeEntity, depth: number, found: Buffer[]): string | undefined {
  const type = mediaType(entity);
  if (type === KUBE_PODS_MIME_TYPE) {
    const body = decodeBody(entity);
    if (typeof body === "string") return body;
    found.push(body);
    return undefined;
  }
  if (!type.startsWith("multipart/")) return undefined;
  if (depth >= MAX_DEPTH) return `multipart nested deeper than ${MAX_DEPTH} levels`;
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(entity.headers.get("content-type") ?? "");
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (delimiter === undefined) return "multipart part without a boundary";
  const sections = entity.body.split(new RegExp(`(?:^|\\r?\\n)--${delimiter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  // sections[0] is the preamble; a section starting with "--" is the closing delimiter.
  for (const section of sections.slice(1)) {
    if (section.startsWith("--")) break;
    const problem = collectKubePods(parseEntity(section.replace(/^[ \t]*\r?\n/, "")), depth + 1, found);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Joins parts into one document stream: each part starts a new document. */
function joinDocuments(parts: Buffer[]): Buffer {
  const pieces: Buffer[] = [];
  for (const [index, part] of parts.entries()) {
    if (index > 0) {
      const previous = parts[index - 1];
      if (previous !== undefined && previous.byteLength > 0 && previous[previous.byteLength - 1] !== 0x0a) pieces.push(Buffer.from("\n"));
      pieces.push(Buffer.from("---\n"));
    }
    pieces.push(part);
  }
  return Buffer.concat(pieces);
}

export function extractMimeSpec(text: string): MimeExtraction {
  const found: Buffer[] = [];
  const problem = collectKubePods(parseEntity(text.trimStart()), 0, found);
  if (problem !== undefined) return { kind: "invalid", message: problem };
  if (found.length === 0) return { kind: "absent", reason: `no ${KUBE_PODS_MIME_TYPE} part` };
  return { kind: "spec", bytes: new Uint8Array(joinDocuments(found)) };
}
