// apimachinery's name validators (pkg/util/validation/validation.go): each returns the
// list of messages the API server would print, empty when the value is valid.

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;

const dns1123Label = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const dns1123Subdomain = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const qualifiedName = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const labelValue = new RegExp(`^${LABEL_VALUE_FMT}$`);

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
const QUALIFIED_NAME_MAX = 63;
const LABEL_VALUE_MAX = 63;
const PORT_NAME_MAX = 15;

export const maxLenMessage = (n: number): string => `must be no more than ${n} characters`;
const EMPTY_MESSAGE = "must be non-empty";

/** apimachinery's RegexError, including its `', ' + ' or '` spacing. */
function regexMessage(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`;
  const shown = examples.map((e, i) => `${i > 0 ? " or " : ""}'${e}', `).join("");
  return `${message} (e.g. ${shown}regex used for validation is '${format}')`;
}

// Label keys, label values and names repeat across a fleet's pods, and a valid one has no
// message to build: valid values are remembered (the set is emptied when full, so it never
// grows), an invalid one is checked again each time.
const VALID_KEPT = 4096;
function rememberValid(check: (value: string) => string[]): (value: string) => string[] {
  const valid = new Set<string>();
  return (value) => {
    if (valid.has(value)) return [];
    const msgs = check(value);
    if (msgs.length === 0) {
      if (valid.size >= VALID_KEPT) valid.clear();
      valid.add(value);
    }
    return msgs;
  };
}

function dns1123LabelMessages(value: string): string[] {
  const msgs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) msgs.push(maxLenMessage(DNS1123_LABEL_MAX));
  if (!dns1123Label.test(value) && dns1123Subdomain.test(value)) {
    // A valid subdomain that is not a label: the dots are the problem.
    msgs.push("must not contain dots");
  } else if (!dns1123Label.test(value)) {
    msgs.push(regexMessage(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      DNS1123_LABEL_FMT, "my-name", "123-abc"));
  }
  return msgs;
}
export const checkDns1123Label = rememberValid(dns1123LabelMessages);

function dns1123SubdomainMessages(value: string): string[] {
  const msgs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) msgs.push(maxLenMessage(DNS1123_SUBDOMAIN_MAX));
  if (!dns1123Subdomain.test(value)) {
    msgs.push(regexMessage(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      DNS1123_SUBDOMAIN_FMT, "example.com"));
  }
  return msgs;
}
export const checkDns1123Subdomain = rememberValid(dns1123SubdomainMessages);

const DNS1123_LABEL_WITH_UNDERSCORE_FMT = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_WITH_UNDERSCORE_FMT = `${DNS1123_LABEL_WITH_UNDERSCORE_FMT}(\\.${DNS1123_LABEL_WITH_UNDERSCORE_FMT})*`;
const dns1123SubdomainWithUnderscore = new RegExp(`^${DNS1123_SUBDOMAIN_WITH_UNDERSCORE_FMT}$`);

/** DNS search domains: a subdomain whose labels may also hold (and start with) '_'. */
export function checkDns1123SubdomainWithUnderscore(value: string): string[] {
  const msgs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) msgs.push(maxLenMessage(DNS1123_SUBDOMAIN_MAX));
  if (!dns1123SubdomainWithUnderscore.test(value)) {
    msgs.push(regexMessage(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      DNS1123_SUBDOMAIN_WITH_UNDERSCORE_FMT, "example.com"));
  }
  return msgs;
}

const CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
const CONFIG_KEY_MAX = 253;
const configKey = new RegExp(`^${CONFIG_KEY_FMT}$`);

/** A ConfigMap or Secret key (validation.IsConfigMapKey): a file name inside a volume. */
export function checkConfigMapKey(value: string): string[] {
  const msgs: string[] = [];
  if (value.length > CONFIG_KEY_MAX) msgs.push(maxLenMessage(CONFIG_KEY_MAX));
  if (!configKey.test(value)) {
    msgs.push(regexMessage("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
  }
  if (value === ".") msgs.push("must not be '.'");
  else if (value === "..") msgs.push("must not be '..'");
  else if (value.startsWith("..")) msgs.push("must not start with '..'");
  return msgs;
}

const QUALIFIED_NAME_MESSAGE = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** A label key or annotation key: `[prefix/]name`, prefix a DNS-1123 subdomain. */
function qualifiedNameMessages(value: string): string[] {
  const parts = value.split("/");
  let name: string;
  const msgs: string[] = [];
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) msgs.push(`prefix part ${EMPTY_MESSAGE}`);
    else msgs.push(...checkDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a valid label key ${regexMessage(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) msgs.push(`name part ${EMPTY_MESSAGE}`);
  else if (name.length > QUALIFIED_NAME_MAX) msgs.push(`name part ${maxLenMessage(QUALIFIED_NAME_MAX)}`);
  // An empty name gets the pattern message too, as apimachinery's content.IsLabelKey does.
  if (!qualifiedName.test(name)) {
    msgs.push(`name part ${regexMessage(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`);
  }
  return msgs;
}
export const checkQualifiedName = rememberValid(qualifiedNameMessages);

function labelValueMessages(value: string): string[] {
  const msgs: string[] = [];
  if (value.length > LABEL_VALUE_MAX) msgs.push(maxLenMessage(LABEL_VALUE_MAX));
  if (!labelValue.test(value)) {
    msgs.push(regexMessage(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
  }
  return msgs;
}
export const checkLabelValue = rememberValid(labelValueMessages);

/** IANA_SVC_NAME (RFC 6335): the rule for named container ports. */
export function checkPortName(value: string): string[] {
  const msgs: string[] = [];
  if (value.length > PORT_NAME_MAX) msgs.push(maxLenMessage(PORT_NAME_MAX));
  if (!/^[-a-z0-9]+$/.test(value)) msgs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(value)) msgs.push("must contain at least one letter (a-z)");
  if (value.includes("--")) msgs.push("must not contain consecutive hyphens");
  if (value.startsWith("-") || value.endsWith("-")) msgs.push("must not begin or end with a hyphen");
  return msgs;
}

export const PORT_RANGE_MESSAGE = "must be between 1 and 65535, inclusive";

export function checkPortNumber(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : [PORT_RANGE_MESSAGE];
}

/** The relaxed rule (RelaxedEnvironmentVariableValidation, on by default): printable ASCII but '='. */
export function checkEnvVarName(value: string): string[] {
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code > 0x7e || ch === "=") {
      return ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
    }
  }
  return [];
}

/** An IPv4 or IPv6 address as netutils.ParseIPSloppy reads it (apimachinery IsValidIP): no zone; IPv4 parts may have leading zeros. */
export function checkIp(value: string): string[] {
  return isIpv4(value) || isIpv6(value) ? [] : ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"];
}

function isIpv4(value: string): boolean {
  const parts = value.split(".");
  return parts.length === 4 && parts.every((p) => /^[0-9]+$/.test(p) && Number(p) <= 255);
}

function isIpv6(value: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || !value.includes(":")) return false;
  const halves = value.split("::");
  if (halves.length > 2) return false;
  const groupsOf = (s: string): string[] | undefined => (s === "" ? [] : s.split(":"));
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let width = 0;
  for (const [i, g] of all.entries()) {
    if (i === all.length - 1 && g.includes(".")) {
      if (!isIpv4(g)) return false;
      width += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) {
      width += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? width < 8 : width === 8;
}
