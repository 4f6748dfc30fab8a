// Turns the subset of Butane that rower's launch material uses into Ignition 3.3.0 JSON,
// the spec Debian's ignition-validate knows. Real Butane is not installable here; this
// renderer accepts only what it understands and reports everything else, so a Butane
// file can never silently lose a field on its way to the .ign. Like Butane, it gzips a
// file's contents when that is shorter (compression: gzip); the gzip bytes are zlib's,
// not Go's, so the output equals real Butane's in meaning, not byte for byte.
import { load, YAML11_SCHEMA } from "js-yaml";
import { type FileContents, encodeFileContents } from "./data-url.js";

// Butane variant/version pairs whose output is Ignition 3.3.0 (Butane's spec table).
const IGNITION_VERSION_BY_VARIANT: Record<string, Record<string, string>> = {
  flatcar: { "1.0.0": "3.3.0" },
  fcos: { "1.4.0": "3.3.0" },
};

export type ReadLocalFile = (relativePath: string) => Uint8Array | undefined;

export type RenderResult = { ok: true; json: string } | { ok: false; errors: string[] };

interface IgnitionFile {
  path: string;
  mode?: number;
  overwrite?: boolean;
  contents: FileContents;
}
interface IgnitionDirectory {
  path: string;
  mode?: number;
}
interface IgnitionUnit {
  name: string;
  enabled?: boolean;
  contents?: string;
}

/** Renders Butane YAML to compact Ignition JSON (plus a newline), or lists why it can't. */
export function renderButaneConfig(text: string, readLocal: ReadLocalFile): RenderResult {
  const errors: string[] = [];
  let doc: unknown;
  try {
    doc = load(text, { schema: YAML11_SCHEMA });
  } catch (err) {
    return { ok: false, errors: [`not YAML: ${(err as Error).message}`] };
  }
  const root = asRecord(doc, "$", errors);
  if (!root) return { ok: false, errors };
  checkKeys(root, "$", ["variant", "version", "storage", "systemd"], errors);

  const ignitionVersion = IGNITION_VERSION_BY_VARIANT[String(root.variant)]?.[String(root.version)];
  if (!ignitionVersion) {
    errors.push(`$.variant/version: ${String(root.variant)} ${String(root.version)} does not render to Ignition 3.3.0`);
  }

  const storage = root.storage === undefined ? undefined : asRecord(root.storage, "$.storage", errors);
  const directories: IgnitionDirectory[] = [];
  const files: IgnitionFile[] = [];
  if (storage) {
    checkKeys(storage, "$.storage", ["directories", "files"], errors);
    asList(storage.directories, "$.storage.directories", errors).forEach((item, i) => {
      const at = `$.storage.directories[${i}]`;
      const dir = asRecord(item, at, errors);
      if (!dir) return;
      checkKeys(dir, at, ["path", "mode"], errors);
      directories.push({ path: asPath(dir.path, `${at}.path`, errors), ...modeOf(dir, at, errors) });
    });
    asList(storage.files, "$.storage.files", errors).forEach((item, i) => {
      const at = `$.storage.files[${i}]`;
      const file = asRecord(item, at, errors);
      if (!file) return;
      checkKeys(file, at, ["path", "mode", "overwrite", "contents"], errors);
      const rendered: IgnitionFile = {
        path: asPath(file.path, `${at}.path`, errors),
        contents: contentsOf(file.contents, `${at}.contents`, readLocal, errors),
        ...modeOf(file, at, errors),
      };
      if (file.overwrite !== undefined) {
        if (typeof file.overwrite !== "boolean") errors.push(`${at}.overwrite: must be a boolean`);
        else rendered.overwrite = file.overwrite;
      }
      files.push(rendered);
    });
  }

  const systemd = root.systemd === undefined ? undefined : asRecord(root.systemd, "$.systemd", errors);
  const units: IgnitionUnit[] = [];
  if (systemd) {
    checkKeys(systemd, "$.systemd", ["units"], errors);
    asList(systemd.units, "$.systemd.units", errors).forEach((item, i) => {
      const at = `$.systemd.units[${i}]`;
      const unit = asRecord(item, at, errors);
      if (!unit) return;
      checkKeys(unit, at, ["name", "enabled", "contents"], errors);
      if (typeof unit.name !== "string" || !/^[\w@.:\\-]+\.(service|socket|target|timer|path|mount)$/.test(unit.name)) {
        errors.push(`${at}.name: must be a unit file name`);
        return;
      }
      const rendered: IgnitionUnit = { name: unit.name };
      if (unit.enabled !== undefined) {
        if (typeof unit.enabled !== "boolean") errors.push(`${at}.enabled: must be a boolean`);
        else rendered.enabled = unit.enabled;
      }
      if (unit.contents !== undefined) {
        if (typeof unit.contents !== "string") errors.push(`${at}.contents: must be a string`);
        else rendered.contents = unit.contents;
      }
      units.push(rendered);
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  // Key order follows Ignition's own marshalling: ignition, storage, systemd.
  const ignition: Record<string, unknown> = { ignition: { version: ignitionVersion } };
  if (directories.length > 0 || files.length > 0) {
    ignition.storage = {
      ...(directories.length > 0 ? { directories } : {}),
      ...(files.length > 0 ? { files } : {}),
    };
  }
  if (units.length > 0) ignition.systemd = { units };
  return { ok: true, json: `${JSON.stringify(ignition)}\n` };
}

/** Like Butane, gzips the contents when that makes the config smaller (compression: gzip). */
function contentsOf(value: unknown, at: string, readLocal: ReadLocalFile, errors: string[]): FileContents {
  const contents = asRecord(value, at, errors);
  if (!contents) return { source: "" };
  checkKeys(contents, at, ["inline", "local"], errors);
  if (typeof contents.inline === "string" && contents.local === undefined) {
    return encodeFileContents(Buffer.from(contents.inline, "utf8"));
  }
  if (typeof contents.local === "string" && contents.inline === undefined) {
    // Like butane --files-dir: relative, and never outside the directory.
    const local = contents.local;
    if (local.startsWith("/") || local.split("/").includes("..")) {
      errors.push(`${at}.local: ${local} must be relative and stay inside the files directory`);
      return { source: "" };
    }
    const bytes = readLocal(local);
    if (!bytes) {
      errors.push(`${at}.local: ${local} not found`);
      return { source: "" };
    }
    return encodeFileContents(bytes);
  }
  errors.push(`${at}: exactly one of inline (a string) or local (a path) is required`);
  return { source: "" };
}

function modeOf(record: Record<string, unknown>, at: string, errors: string[]): { mode?: number } {
  if (record.mode === undefined) return {};
  if (typeof record.mode !== "number" || !Number.isInteger(record.mode) || record.mode < 0 || record.mode > 0o7777) {
    errors.push(`${at}.mode: must be an octal file mode such as 0644`);
    return {};
  }
  return { mode: record.mode };
}

function asPath(value: unknown, at: string, errors: string[]): string {
  if (typeof value !== "string" || !value.startsWith("/")) {
    errors.push(`${at}: must be an absolute path`);
    return "";
  }
  return value;
}

function asRecord(value: unknown, at: string, errors: string[]): Record<string, unknown> | undefined {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  errors.push(`${at}: must be a mapping`);
  return undefined;
}

function asList(value: unknown, at: string, errors: string[]): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  errors.push(`${at}: must be a list`);
  return [];
}

function checkKeys(record: Record<string, unknown>, at: string, known: string[], errors: string[]): void {
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) errors.push(`${at}.${key}: not supported by this renderer`);
  }
}
