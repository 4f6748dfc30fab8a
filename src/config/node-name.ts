// The node name the kubelet appends to a static pod's name (`<name>-<node>`): it lowercases
// it, and the result must be a DNS-1123 subdomain, so rower holds --node-name to the same rule.
import { checkDns1123Subdomain } from "../validate/semantics/name-formats.js";

export const NODE_NAME_EXPECTED = "a DNS-1123 subdomain of at most 253 characters: lower-case letters, digits, '-' and '.'";

/** The lowercased node name, or undefined when the kubelet could not use it. */
export function parseNodeName(value: string): string | undefined {
  const lower = value.toLowerCase();
  return checkDns1123Subdomain(lower).length === 0 ? lower : undefined;
}
