// Every generated launch file from its sources: the Ignition configs from their Butane
// files, the legacy cloud-config from deploy/, and the AWS template's user-data from the
// AWS Ignition config. Pure: files are read through readLocal and returned, not written.
import { renderButaneConfig, type ReadLocalFile } from "../butane/render-butane-config.js";
import { renderCloudConfig } from "./render-cloud-config.js";
import { embedUserData } from "./embed-user-data.js";

export const BUTANE_SOURCES = [
  { butane: "cloud-config/flatcar.bu", ignition: "cloud-config/flatcar.ign" },
  { butane: "cloud-config/fcos.bu", ignition: "cloud-config/fcos.ign" },
  { butane: "examples/aws/flatcar-nginx.bu", ignition: "examples/aws/flatcar-nginx.ign" },
] as const;
export const CLOUD_CONFIG_PATH = "cloud-config/cloud-config.yaml";
export const CLOUDFORMATION_PATH = "examples/aws/cloudformation.yaml";
const AWS_IGNITION = "examples/aws/flatcar-nginx.ign";

export type LaunchMaterialResult = { ok: true; files: Map<string, string> } | { ok: false; errors: string[] };

export function renderLaunchMaterial(readLocal: ReadLocalFile): LaunchMaterialResult {
  const files = new Map<string, string>();
  const errors: string[] = [];
  const readText = (path: string): string | undefined => {
    const bytes = readLocal(path);
    if (!bytes) errors.push(`${path}: not found`);
    return bytes ? Buffer.from(bytes).toString("utf8") : undefined;
  };

  for (const { butane, ignition } of BUTANE_SOURCES) {
    const text = readText(butane);
    if (text === undefined) continue;
    const rendered = renderButaneConfig(text, readLocal);
    if (rendered.ok) files.set(ignition, rendered.json);
    else errors.push(...rendered.errors.map((e) => `${butane}: ${e}`));
  }

  const cloudConfig = renderCloudConfig(readLocal);
  if (cloudConfig.ok) files.set(CLOUD_CONFIG_PATH, cloudConfig.text);
  else errors.push(...cloudConfig.errors.map((e) => `${CLOUD_CONFIG_PATH}: ${e}`));

  const template = readText(CLOUDFORMATION_PATH);
  const awsIgnition = files.get(AWS_IGNITION);
  if (template !== undefined && awsIgnition !== undefined) {
    const embedded = embedUserData(template, awsIgnition);
    if (embedded.ok) files.set(CLOUDFORMATION_PATH, embedded.text);
    else errors.push(`${CLOUDFORMATION_PATH}: ${embedded.error}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, files };
}
