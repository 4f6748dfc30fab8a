// apimachinery's name validators, message for message (pkg/util/validation, api/validate/content).
import { describe, expect, it } from "vitest";
import {
  checkConfigMapKey, checkDns1123Label, checkDns1123Subdomain, checkDns1123SubdomainWithUnderscore,
  checkEnvVarName, checkIp, checkLabelValue, checkPortName, checkQualifiedName,
} from "../../src/validate/semantics/name-formats.js";

const LABEL_REGEX = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const KEY_NAME_REGEX = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

type Case = [desc: string, check: (v: string) => string[], value: string, messages: string[]];

const CASES: Case[] = [
  ["label ok", checkDns1123Label, "web-1", []],
  ["label with dots", checkDns1123Label, "web.example", ["must not contain dots"]],
  ["label uppercase", checkDns1123Label, "Web", [LABEL_REGEX]],
  ["label too long", checkDns1123Label, "a".repeat(64), ["must be no more than 63 characters"]],
  ["subdomain ok", checkDns1123Subdomain, "a.b-c.d", []],
  ["subdomain too long", checkDns1123Subdomain, "a".repeat(254), ["must be no more than 253 characters"]],
  ["search domain with underscore", checkDns1123SubdomainWithUnderscore, "_srv.example.com", []],
  ["label key ok", checkQualifiedName, "app.kubernetes.io/name", []],
  ["label key, two slashes", checkQualifiedName, "a/b/c", ["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
  ["label key, empty prefix", checkQualifiedName, "/app", ["prefix part must be non-empty"]],
  ["label key, empty name", checkQualifiedName, "example.com/", ["name part must be non-empty", KEY_NAME_REGEX]],
  ["label key, bad name", checkQualifiedName, "-app", [KEY_NAME_REGEX]],
  ["label value empty", checkLabelValue, "", []],
  ["label value too long", checkLabelValue, "a".repeat(64), ["must be no more than 63 characters"]],
  ["port name ok", checkPortName, "http-alt", []],
  ["port name uppercase", checkPortName, "HTTP", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"]],
  ["port name hyphens", checkPortName, "-a--b", ["must not contain consecutive hyphens", "must not begin or end with a hyphen"]],
  ["port name too long", checkPortName, "a".repeat(16), ["must be no more than 15 characters"]],
  ["env name with space and dots", checkEnvVarName, "MY VAR.x", []],
  ["env name with '='", checkEnvVarName, "A=B", ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
  ["env name with a tab", checkEnvVarName, "A\tB", ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
  ["config key ok", checkConfigMapKey, "app.conf", []],
  ["config key '..'", checkConfigMapKey, "..", ["must not be '..'"]],
  ["config key '..x'", checkConfigMapKey, "..x", ["must not start with '..'"]],
];

describe("name formats", () => {
  it.each(CASES)("%s", (_desc, check, value, messages) => {
    expect(check(value)).toEqual(messages);
  });
});

// Pod IP fields are checked the legacy, sloppy way at 1.36 (StrictIPCIDRValidation is alpha, off):
// IPv4 parts may carry leading zeros.
const IPS: [value: string, valid: boolean][] = [
  ["10.0.0.1", true], ["010.0.0.1", true], ["1.2.3.0004", true], ["255.255.255.255", true], ["::1", true], ["2001:db8::ffff", true],
  ["::ffff:192.0.2.1", true], ["1:2:3:4:5:6:7:8", true], ["::", true],
  ["1.2.3", false], ["256.1.1.1", false], ["fe80::1%eth0", false],
  ["1:2:3:4:5:6:7:8:9", false], ["1::2::3", false], ["dns.google", false], ["", false],
];

describe("IP addresses", () => {
  it.each(IPS)("%s valid: %s", (value, valid) => {
    expect(checkIp(value).length === 0).toBe(valid);
  });
});

describe("remembered valid names", () => {
  it("answers the same the second time, and after the memory has been emptied", () => {
    for (const check of [checkDns1123Label, checkDns1123Subdomain, checkQualifiedName, checkLabelValue]) {
      for (const value of ["web-1", "Web", "", "a".repeat(300)]) {
        const first = check(value);
        expect(check(value)).toEqual(first);
      }
      // More distinct valid names than are kept: the memory empties and starts again.
      for (let i = 0; i < 5000; i++) expect(check(`n${i}`)).toEqual([]);
      expect(check("web-1")).toEqual([]);
      expect(check("-bad-")).not.toEqual([]);
    }
  });

  it("gives each caller its own empty list, which a caller may add to", () => {
    expect(checkQualifiedName("app")).toEqual([]);
    const mine = checkQualifiedName("app");
    mine.push("added by a caller");
    expect(checkQualifiedName("app")).toEqual([]);
  });
});
