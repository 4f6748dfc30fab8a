// What rower's sources read from the launch material when a cloud serves it: the local
// emulators stand in for the metadata servers (real loopback HTTP), the providers are
// rower's own, so the pods the guides ship are the pods rower finds.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/start-emulator.js";
import { createSource } from "../../src/sources/create-source.js";
import { CLOUDFORMATION, REPO, cloudFormationUserData, parseCloudFormation, readRepoFile } from "./launch-material.js";

const dir = mkdtempSync(join(tmpdir(), "rower-launch-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const awsUserData = join(dir, "aws-user-data.json");
writeFileSync(awsUserData, cloudFormationUserData(parseCloudFormation(readRepoFile(CLOUDFORMATION))));

describe.each([
  {
    desc: "the AWS template's user-data (Ignition with the pods file)",
    kind: "ec2" as const,
    served: awsUserData,
    expected: { kind: "present", text: readRepoFile("examples/aws/nginx-pod.yaml") },
  },
  {
    desc: "the GCE walk-through's kube-pods attribute",
    kind: "gce" as const,
    served: join(REPO, "examples/gce/kube-pods.yaml"),
    expected: { kind: "present", text: readRepoFile("examples/gce/kube-pods.yaml") },
  },
  {
    // On EC2 the generic Flatcar config carries no pods: they come from the kube-pods tag.
    desc: "the generic Flatcar Ignition as EC2 user-data",
    kind: "ec2" as const,
    served: join(REPO, "cloud-config/flatcar.ign"),
    expected: { kind: "absent" },
  },
  {
    desc: "the legacy cloud-config as EC2 user-data",
    kind: "ec2" as const,
    served: join(REPO, "cloud-config/cloud-config.yaml"),
    expected: { kind: "absent" },
  },
])("$desc", ({ kind, served, expected }) => {
  it(`is read by rower's ${kind} source as ${expected.kind}`, async () => {
    const emulator = await startEmulator(kind, { file: served });
    try {
      const source = createSource(kind, { endpoint: emulator.url });
      const payload = await source.read(AbortSignal.timeout(20_000));
      const text = payload.kind === "present" ? Buffer.from(payload.bytes).toString("utf8") : undefined;
      expect({ kind: payload.kind, ...(text === undefined ? {} : { text }) }).toEqual(expected);
    } finally {
      await emulator.close();
    }
  });
});
