import { describe, expect, it } from "vitest";
import {
  BUTANE_CONFIGS,
  CLOUDFORMATION,
  type IgnitionConfig,
  cloudFormationUserData,
  ignitionFiles,
  listRepoFiles,
  parseCloudFormation,
  readRepoFile,
} from "./launch-material.js";

const version = (JSON.parse(readRepoFile("package.json")) as { version: string }).version;

/** Every launch-material text, with Ignition files' data URLs decoded (where a %3A would hide a tag). */
function launchTexts(): { where: string; text: string }[] {
  const plain = [...listRepoFiles("deploy"), ...listRepoFiles("cloud-config"), ...listRepoFiles("examples"), ...listRepoFiles("docs"), "Dockerfile"]
    .filter((path) => !path.endsWith(".ign"))
    .map((path) => ({ where: path, text: readRepoFile(path) }));
  const ignitions = [
    ...BUTANE_CONFIGS.map(({ ignition }) => ({ where: ignition, json: readRepoFile(ignition) })),
    { where: `${CLOUDFORMATION} UserData`, json: cloudFormationUserData(parseCloudFormation(readRepoFile(CLOUDFORMATION))) },
  ];
  const decoded = ignitions.flatMap(({ where, json }) =>
    [...ignitionFiles(JSON.parse(json) as IgnitionConfig)].map(([path, text]) => ({ where: `${where}:${path}`, text })),
  );
  return [...plain, ...decoded];
}

function occurrences(pattern: RegExp, include = (_where: string): boolean => true): { where: string; value: string }[] {
  return launchTexts()
    .filter(({ where }) => include(where)).flatMap(({ where, text }) => [...text.matchAll(pattern)].map((m) => ({ where, value: m[1] ?? "" })));
}

describe("pinned versions in the launch material", () => {
  // Any image reference "<registry>/rower:<tag>" (units, docs' build commands) and the
  // ROWER_IMAGE setting itself, wherever the user points it.
  const images = occurrences(/\/rower:(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)/g);
  const settings = occurrences(/^\s*ROWER_IMAGE=(\S+)$/gm, (where) => !where.endsWith(".md"));
  const kubelets = occurrences(/KUBELET_VERSION=(v?\d+\.\d+\.\d+)/g);

  it(`pins every rower image reference to the package version ${version}`, () => {
    expect(images.filter((i) => i.value !== version)).toEqual([]);
  });

  it("sets one ROWER_IMAGE in every launch configuration", () => {
    expect(new Set(settings.map((s) => s.value)).size).toBe(1);
    expect(settings[0]?.value).toMatch(new RegExp(`/rower:${version.replaceAll(".", "\\.")}$`));
    const places = new Set(settings.map((i) => i.where.split(":")[0]));
    for (const place of ["deploy/rower.env", CLOUDFORMATION + " UserData", ...BUTANE_CONFIGS.map((b) => b.ignition), "cloud-config/cloud-config.yaml"]) {
      expect(places).toContain(place);
    }
  });

  it("pins one kubelet 1.36 patch release everywhere", () => {
    const pinned = /KUBELET_VERSION=(\S+)/.exec(readRepoFile("deploy/kubelet/kubelet.env"))?.[1];
    expect(pinned).toMatch(/^v1\.36\.\d+$/);
    expect(kubelets.length).toBeGreaterThan(4);
    expect(kubelets.filter((k) => k.value !== pinned)).toEqual([]);
  });

  it("pins the kubelet to the Kubernetes minor rower validates against", () => {
    const minor = /KUBERNETES_VERSION = "(\d+\.\d+)"/.exec(readRepoFile("src/validate/schema/kubernetes-version.ts"))?.[1];
    expect(readRepoFile("deploy/kubelet/kubelet.env")).toContain(`KUBELET_VERSION=v${minor}.`);
  });
});
