// Payloads may hold secrets: whatever a source logs carries sizes and digests, never bytes.
import { describe, expect, it } from "vitest";
import { createSource } from "../../src/sources/create-source.js";
import type { SourceLog, SourceOptions } from "../../src/sources/source-options.js";
import type { EmulatorKind } from "../../src/emulator/emulator-state.js";
import { useEmulatorScope } from "./emulator-scope.js";

const SECRET = "password: hunter2-do-not-log\n";

describe("source logging", () => {
  const scope = useEmulatorScope();

  const cases: Array<{ kind: EmulatorKind; options: (url: string, hostPort: string) => SourceOptions }> = [
    { kind: "gce", options: (_url, hostPort) => ({ gceMetadataHost: hostPort }) },
    { kind: "ec2", options: (url) => ({ ec2MetadataEndpoint: url, pollIntervalMs: 10 }) },
    { kind: "azure", options: (url) => ({ azureMetadataEndpoint: url, pollIntervalMs: 10 }) },
  ];
  for (const c of cases) {
    it(`${c.kind}: logs revisions by size and digest only`, async () => {
      const fixture = await scope.start(c.kind, SECRET);
      const lines: string[] = [];
      const record = (event: string, fields?: object): void => void lines.push(JSON.stringify({ event, ...fields }));
      const log: SourceLog = { info: record, warn: record, debug: record };
      const hostPort = fixture.emulator.url.replace("http://", "");
      const source = createSource(c.kind, { ...c.options(fixture.emulator.url, hostPort), log });
      const cursor = scope.watch(source);
      await cursor.next();
      if (c.kind === "ec2") await fixture.admin("POST", "expire-tokens");
      await fixture.admin("PUT", c.kind === "gce" ? "instance/attributes/kube-pods" : "user-data", `${SECRET}# v2\n`);
      await cursor.next();
      expect(lines.some((line) => line.includes('"event":"source.revision"'))).toBe(true);
      expect(lines.filter((line) => line.includes("hunter2"))).toEqual([]);
      expect(lines.filter((line) => line.includes("source.revision")).every((line) => /"bytes":\d+/.test(line) && /sha256:[0-9a-f]{64}/.test(line))).toBe(true);
    });
  }
});
