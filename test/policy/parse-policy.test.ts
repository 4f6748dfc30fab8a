// Policy files: every rule read, every problem named (with the path and, for an unknown key,
// the key it most likely meant), nothing silently dropped.
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/policy/parse-policy.js";

describe("parsePolicy", () => {
  it("reads every rule, normalizing ports, capabilities and requireLimits: true", () => {
    const text = [
      "podSecurity: restricted",
      "registries: ['gcr.io/proj/**', 'docker.io/library/nginx']",
      "requireDigest: yes",
      "hostPathPrefixes:",
      "  - path: /var/log",
      "  - path: /var/lib/app",
      "    writable: true",
      "hostPorts: [80, '8000-8100']",
      "capabilities: [CAP_NET_ADMIN, NET_BIND_SERVICE]",
      "requireLimits: true",
    ].join("\n");
    expect(parsePolicy(text, "p.yaml")).toEqual({
      ok: true,
      policy: {
        podSecurity: "restricted",
        registries: ["gcr.io/proj/**", "docker.io/library/nginx"],
        requireDigest: true,
        hostPathPrefixes: [{ path: "/var/log", writable: false }, { path: "/var/lib/app", writable: true }],
        hostPorts: [{ from: 80, to: 80 }, { from: 8000, to: 8100 }],
        capabilities: ["NET_ADMIN", "NET_BIND_SERVICE"],
        requireLimits: ["cpu", "memory"],
      },
    });
  });

  it("accepts {} as a policy that restricts nothing, and requireLimits: false as off", () => {
    expect(parsePolicy("{}", "p")).toEqual({ ok: true, policy: {} });
    expect(parsePolicy("requireLimits: false", "p")).toEqual({ ok: true, policy: {} });
  });

  it.each([
    { desc: "a misspelt rule", text: "podSecurty: baseline", problems: ['podSecurty: unknown field (did you mean "podSecurity"?)'] },
    { desc: "a misspelt prefix field", text: "hostPathPrefixes:\n  - path: /x\n    writeable: true", problems: ['hostPathPrefixes[0].writeable: unknown field (did you mean "writable"?)'] },
    { desc: "an unknown rule with no near name", text: "allowEverything: true", problems: ["allowEverything: unknown field"] },
    { desc: "an unknown level", text: "podSecurity: strict", problems: [expect.stringMatching(/^podSecurity: .*"privileged".*"baseline".*"restricted"/)] },
    { desc: "a relative or unnormalized prefix", text: "hostPathPrefixes: [{path: var/log}, {path: /var/log/}, {path: /var/../etc}]",
      problems: [expect.stringMatching(/^hostPathPrefixes\[0\]\.path: /), expect.stringMatching(/^hostPathPrefixes\[1\]\.path: /), expect.stringMatching(/^hostPathPrefixes\[2\]\.path: /)] },
    { desc: "ports out of range and a reversed range", text: "hostPorts: [0, 65536, '90-80']",
      problems: [expect.stringMatching(/^hostPorts\[0\]: /), expect.stringMatching(/^hostPorts\[1\]: /), expect.stringMatching(/^hostPorts\[2\]: /)] },
    { desc: "an upper-case registry pattern", text: "registries: ['GCR.io/x']", problems: [expect.stringMatching(/^registries\[0\]: /)] },
    { desc: "a lower-case capability", text: "capabilities: [net_admin]", problems: [expect.stringMatching(/^capabilities\[0\]: /)] },
    { desc: "a duplicate key", text: "podSecurity: baseline\npodSecurity: restricted", problems: [expect.stringMatching(/^line 2: duplicate mapping key "podSecurity"/)] },
    { desc: "an empty file", text: "# nothing\n", problems: [expect.stringMatching(/^empty policy/)] },
    { desc: "two documents", text: "{}\n---\n{}\n", problems: ["expected one YAML document, found 2"] },
    { desc: "not a mapping", text: "- podSecurity", problems: [expect.stringMatching(/^\(top level\): /)] },
  ])("refuses $desc", ({ text, problems }) => {
    const parsed = parsePolicy(text, "p.yaml");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems).toEqual(problems);
  });
});
