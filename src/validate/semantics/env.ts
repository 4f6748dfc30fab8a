// Container env and envFrom (validation.go validateEnv, validateEnvVarValueFrom, validateEnvFrom).
import type { FieldError } from "../../errors/field-error.js";
import { invalid, required } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkFieldRef, checkResourceFieldRef, ENV_FIELD_PATHS } from "./downward-api.js";
import { checkLocalNonReservedPath } from "./local-paths.js";
import { checkConfigMapKey, checkDns1123Subdomain, checkEnvVarName } from "./name-formats.js";
import { arrayOf, isBlank, isSet, recordOf, stringOf } from "./read-json.js";

// fileKeyRef (an env file in an emptyDir, EnvFiles: beta and on by default since 1.35) counts too.
const VALUE_SOURCES = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"] as const;

export function checkEnv(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(value).forEach((item, k) => {
    const env = recordOf(item);
    if (!env) return;
    const at = path.index(k);
    const name = stringOf(env["name"]);
    if (name === undefined || name === "") {
      if (name === "" || !isSet(env["name"])) errs.push(required(at.child("name"), { rule: "container.env.name.required" }));
    } else {
      for (const msg of checkEnvVarName(name)) errs.push(invalid(at.child("name"), name, { rule: "container.env.name.format", detail: msg }));
    }
    if (isSet(env["valueFrom"])) errs.push(...checkValueFrom(env["valueFrom"], stringOf(env["value"]) ?? "", at.child("valueFrom")));
  });
  return errs;
}

function checkValueFrom(value: unknown, plainValue: string, path: FieldPath): FieldError[] {
  const from = recordOf(value);
  if (!from) return [];
  const errs: FieldError[] = [];
  const set = VALUE_SOURCES.filter((s) => isSet(from[s]));
  if (set.includes("fieldRef")) errs.push(...checkFieldRef(from["fieldRef"], path.child("fieldRef"), ENV_FIELD_PATHS));
  if (set.includes("resourceFieldRef")) errs.push(...checkResourceFieldRef(from["resourceFieldRef"], path.child("resourceFieldRef"), false));
  for (const source of ["configMapKeyRef", "secretKeyRef"] as const) {
    if (set.includes(source)) errs.push(...checkKeySelector(from[source], path.child(source)));
  }
  if (set.includes("fileKeyRef")) errs.push(...checkFileKeySelector(from["fileKeyRef"], path.child("fileKeyRef")));
  if (set.length === 0) {
    errs.push(invalid(path, "", { rule: "container.env.valueFrom.none", detail: "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`" }));
  } else if (plainValue !== "") {
    errs.push(invalid(path, "", { rule: "container.env.valueFrom.withValue", detail: "may not be specified when `value` is not empty" }));
  } else if (set.length > 1) {
    errs.push(invalid(path, "", { rule: "container.env.valueFrom.many", detail: "may not have more than one field specified at a time" }));
  }
  return errs;
}

function checkKeySelector(value: unknown, path: FieldPath): FieldError[] {
  const sel = recordOf(value);
  if (!sel) return [];
  const name = isBlank(sel["name"]) ? "" : stringOf(sel["name"]);
  const errs = name === undefined ? [] : checkDns1123Subdomain(name).map((msg) => invalid(path.child("name"), name, { rule: "container.env.keyRef.name.format", detail: msg }));
  const key = stringOf(sel["key"]);
  if (isBlank(sel["key"])) errs.push(required(path.child("key"), { rule: "container.env.keyRef.key.required" }));
  else if (key !== undefined) for (const msg of checkConfigMapKey(key)) errs.push(invalid(path.child("key"), key, { rule: "container.env.keyRef.key.format", detail: msg }));
  return errs;
}

function checkFileKeySelector(value: unknown, path: FieldPath): FieldError[] {
  const sel = recordOf(value);
  if (!sel) return [];
  const errs: FieldError[] = [];
  if (isBlank(sel["volumeName"])) errs.push(required(path.child("volumeName"), { rule: "container.env.fileKeyRef.volumeName.required" }));
  const filePath = stringOf(sel["path"]);
  if (isBlank(sel["path"])) errs.push(required(path.child("path"), { rule: "container.env.fileKeyRef.path.required" }));
  else if (filePath !== undefined) errs.push(...checkLocalNonReservedPath(filePath, path.child("path"), "container.env.fileKeyRef.path.format"));
  const key = stringOf(sel["key"]);
  if (isBlank(sel["key"])) errs.push(required(path.child("key"), { rule: "container.env.fileKeyRef.key.required" }));
  else if (key !== undefined) for (const msg of checkEnvVarName(key)) errs.push(invalid(path.child("key"), key, { rule: "container.env.fileKeyRef.key.format", detail: msg }));
  return errs;
}

export function checkEnvFrom(value: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(value).forEach((item, k) => {
    const source = recordOf(item);
    if (!source) return;
    const at = path.index(k);
    const prefix = stringOf(source["prefix"]);
    if (prefix) for (const msg of checkEnvVarName(prefix)) errs.push(invalid(at.child("prefix"), prefix, { rule: "container.envFrom.prefix.format", detail: msg }));
    const refs = (["configMapRef", "secretRef"] as const).filter((r) => isSet(source[r]));
    // Reported on the list, not the entry, as the API server does.
    if (refs.length === 0) {
      errs.push(invalid(path, "", { rule: "container.envFrom.none", detail: "must specify one of: `configMapRef` or `secretRef`" }));
    } else if (refs.length > 1) {
      errs.push(invalid(path, "", { rule: "container.envFrom.many", detail: "may not have more than one field specified at a time" }));
    }
    for (const ref of refs) {
      if (isBlank(recordOf(source[ref])?.["name"])) errs.push(required(at.child(ref).child("name"), { rule: "container.envFrom.name.required" }));
    }
  });
  return errs;
}
