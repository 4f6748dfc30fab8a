// The one digest rower names bytes by: revisions, the ownership record, logs. A leaf.
import { createHash } from "node:crypto";

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}
