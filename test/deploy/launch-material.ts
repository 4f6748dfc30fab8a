// Where the deployment material lives and how tests read it: Ignition files with their
// data URLs decoded, the CloudFormation template with its short tags, plain YAML.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { load, loadAll, YAML11_SCHEMA } from "js-yaml";
import { decodeDataUrl } from "../../tools/butane/data-url.js";
import { BUTANE_SOURCES, CLOUD_CONFIG_PATH, CLOUDFORMATION_PATH } from "../../tools/launch-material/render-launch-material.js";
import { CLOUDFORMATION_SCHEMA } from "./cloudformation-schema.js";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** Butane sources and the Ignition each renders to, relative to the repository. */
export const BUTANE_CONFIGS = BUTANE_SOURCES;
export const CLOUD_CONFIG = CLOUD_CONFIG_PATH;
export const CLOUDFORMATION = CLOUDFORMATION_PATH;
/** Where the pods file sits inside Ignition; rower's EC2 source reads it from user-data. */
export const IGNITION_PODS_PATH = "/etc/rower/kube-pods.yaml";

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO, path), "utf8");
}

export function parseYaml(text: string): unknown {
  return load(text, { schema: YAML11_SCHEMA });
}

export function parseYamlDocuments(text: string): unknown[] {
  return loadAll(text, { schema: YAML11_SCHEMA });
}

export function parseCloudFormation(text: string): CloudFormationTemplate {
  return load(text, { schema: CLOUDFORMATION_SCHEMA }) as CloudFormationTemplate;
}

export interface CloudFormationTemplate {
  Parameters?: Record<string, { Type: string; Description?: string }>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> } & Record<string, unknown>>;
  Outputs?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
}

export interface IgnitionConfig {
  ignition: { version: string };
  storage?: {
    files?: { path: string; mode?: number; overwrite?: boolean; contents: { source: string; compression?: string } }[];
    directories?: { path: string }[];
  };
  systemd?: { units?: { name: string; enabled?: boolean; contents?: string }[] };
}

/** The files an Ignition config writes, path → decoded text (gunzipped where compression is gzip). */
export function ignitionFiles(config: IgnitionConfig): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of config.storage?.files ?? []) {
    const bytes = decodeDataUrl(file.contents.source);
    if (!bytes) throw new Error(`${file.path}: contents.source is not a data URL`);
    const { compression } = file.contents;
    if (compression !== undefined && compression !== "gzip") throw new Error(`${file.path}: compression ${compression}`);
    files.set(file.path, (compression === "gzip" ? gunzipSync(bytes) : Buffer.from(bytes)).toString("utf8"));
  }
  return files;
}

/** The Ignition JSON inside the CloudFormation template's launch template user-data. */
export function cloudFormationUserData(template: CloudFormationTemplate): string {
  const data = (template.Resources.LaunchTemplate?.Properties?.LaunchTemplateData ?? {}) as Record<string, unknown>;
  const userData = data.UserData as { "Fn::Base64"?: unknown } | undefined;
  if (typeof userData?.["Fn::Base64"] !== "string") throw new Error("UserData is not !Base64 of a literal");
  return userData["Fn::Base64"];
}

/** Every file under a repository directory, recursively, as repository-relative paths. */
export function listRepoFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(REPO, path));
    }
  };
  walk(join(REPO, dir));
  return out;
}
