// securityContext.windowsOptions (validation.go validateWindowsSecurityContextOptions):
// a GMSA credential spec name and content, and a runAsUserName of `[DOMAIN\]USER`.
import type { FieldError } from "../../errors/field-error.js";
import { invalid } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkDns1123Subdomain } from "./name-formats.js";
import { recordOf, stringOf } from "./read-json.js";

const MAX_GMSA_KIB = 64;
const MAX_DOMAIN = 256;
const MAX_USER = 104;
const NETBIOS = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
const DNS_LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";
const DNS_DOMAIN = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const BAD_USER_CHARS = /["/\\:;|=,+*?<>@[\]]/;
const DOTS_SPACES = /^[. ]+$/;
// Go's [[:cntrl:]]: ASCII control characters.
const CONTROL = /[\x00-\x1f\x7f]/;

function checkRunAsUserName(name: string): string[] {
  if (name.length === 0) return ["runAsUserName cannot be an empty string"];
  if (CONTROL.test(name)) return ["runAsUserName cannot contain control characters"];
  const parts = name.split("\\");
  if (parts.length > 2) return ["runAsUserName cannot contain more than one backslash"];
  const hasDomain = parts.length === 2;
  const domain = hasDomain ? (parts[0] ?? "") : "";
  const user = hasDomain ? (parts[1] ?? "") : (parts[0] ?? "");
  const msgs: string[] = [];
  if (domain.length >= MAX_DOMAIN) msgs.push(`runAsUserName's Domain length must be under ${MAX_DOMAIN} characters`);
  if (hasDomain && !(NETBIOS.test(domain) || DNS_DOMAIN.test(domain))) msgs.push("runAsUserName's Domain doesn't match the NetBios nor the DNS format");
  if (user.length === 0) msgs.push("runAsUserName's User cannot be empty");
  else if (user.length > MAX_USER) msgs.push(`runAsUserName's User length must not be longer than ${MAX_USER} characters`);
  if (DOTS_SPACES.test(user)) msgs.push("runAsUserName's User cannot contain only periods or spaces");
  if (BAD_USER_CHARS.test(user)) msgs.push(`runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`);
  return msgs;
}

export function checkWindowsOptions(value: unknown, path: FieldPath): FieldError[] {
  const options = recordOf(value);
  if (!options) return [];
  const errs: FieldError[] = [];
  const specName = stringOf(options["gmsaCredentialSpecName"]);
  if (specName !== undefined) {
    for (const msg of checkDns1123Subdomain(specName)) errs.push(invalid(path.child("gmsaCredentialSpecName"), specName, { rule: "windowsOptions.gmsaCredentialSpecName.format", detail: msg }));
  }
  const spec = stringOf(options["gmsaCredentialSpec"]);
  if (spec !== undefined) {
    if (spec.length === 0) errs.push(invalid(path.child("gmsaCredentialSpec"), spec, { rule: "windowsOptions.gmsaCredentialSpec.empty", detail: "gmsaCredentialSpec cannot be an empty string" }));
    else if (Buffer.byteLength(spec, "utf8") > MAX_GMSA_KIB * 1024) errs.push(invalid(path.child("gmsaCredentialSpec"), spec, { rule: "windowsOptions.gmsaCredentialSpec.tooLong", detail: `gmsaCredentialSpec size must be under ${MAX_GMSA_KIB} KiB` }));
  }
  const user = stringOf(options["runAsUserName"]);
  if (user !== undefined) {
    for (const msg of checkRunAsUserName(user)) errs.push(invalid(path.child("runAsUserName"), user, { rule: "windowsOptions.runAsUserName", detail: msg }));
  }
  return errs;
}
