// goyaml v2 (the kubelet's and kubectl's YAML reader) allows tabs as white space anywhere
// inside a flow collection (`[a,\tb]`); js-yaml takes them for indentation and fails. This
// turns each tab inside a flow collection into a space, one character for one so positions
// and lines stay put. Only used to retry a document js-yaml refused.

const FLOW_OPENERS = new Set(["[", "{"]);
// After these (or at the start of a line) a "[" or "{" begins a flow collection, not plain text.
const NODE_STARTS = new Set([":", "-", ",", "?", "[", "{", ""]);

export function relaxTabsInFlow(text: string): string {
  const out = text.split("");
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let previous = ""; // last non-blank character on this line
  for (let i = 0; i < out.length; i++) {
    const c = out[i] as string;
    if (c === "\n") { previous = ""; if (depth === 0) quote = undefined; continue; }
    if (quote !== undefined) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) { if (quote === "'" && out[i + 1] === "'") i++; else quote = undefined; }
      continue;
    }
    if (c === "\t" || c === " ") {
      if (c === "\t" && depth > 0) out[i] = " ";
      continue;
    }
    if (c === "#" && (i === 0 || /[ \t\n]/.test(out[i - 1] as string))) {
      while (i + 1 < out.length && out[i + 1] !== "\n") i++;
      continue;
    }
    if ((c === '"' || c === "'") && NODE_STARTS.has(previous)) quote = c;
    else if (FLOW_OPENERS.has(c) && (depth > 0 || NODE_STARTS.has(previous))) depth++;
    else if ((c === "]" || c === "}") && depth > 0) depth--;
    previous = c;
  }
  return out.join("");
}
