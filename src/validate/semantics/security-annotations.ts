// The deprecated seccomp and AppArmor annotations (validation.go ValidateSeccompPodAnnotations,
// ValidateAppArmorPodAnnotations) and, on create, their agreement with the securityContext
// fields (validateSeccompAnnotationsAndFields, validateAppArmorAnnotationsAndFieldsMatchOnCreate).
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkLocalDescendingPath } from "./local-paths.js";
import { arrayOf, recordOf, stringEntriesOf, stringOf } from "./read-json.js";
import type { JsonRecord } from "./read-json.js";

const SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_CONTAINER = "container.apparmor.security.beta.kubernetes.io/";
const LOCALHOST = "localhost/";

function checkSeccompAnnotation(value: string, path: FieldPath): FieldError[] {
  if (value === "runtime/default" || value === "docker/default" || value === "unconfined") return [];
  if (value.startsWith(LOCALHOST)) return checkLocalDescendingPath(value.slice(LOCALHOST.length), path, "metadata.annotations.seccomp.format");
  return [invalid(path, value, { rule: "metadata.annotations.seccomp.format", detail: "must be a valid seccomp profile" })];
}

function containersOf(spec: JsonRecord, specPath: FieldPath): { container: JsonRecord; path: FieldPath }[] {
  return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((list) =>
    arrayOf(spec[list]).flatMap((c, i) => {
      const container = recordOf(c);
      return container ? [{ container, path: specPath.child(list).index(i) }] : [];
    }));
}

/** Go's %q for the profile text in "invalid AppArmor profile name". */
const goQuote = (s: string): string => JSON.stringify(s);

export function checkSecurityAnnotations(annotations: unknown, spec: JsonRecord, annotationsPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let names: Set<string | undefined> | undefined; // built only for a pod with AppArmor annotations
  for (const [key, value] of stringEntriesOf(annotations)) {
    // Go names seccomp annotations as a child path (`annotations.seccomp…/pod`), AppArmor ones as a key.
    if (key === SECCOMP_POD || key.startsWith(SECCOMP_CONTAINER)) errs.push(...checkSeccompAnnotation(value, annotationsPath.child(key)));
    if (!key.startsWith(APPARMOR_CONTAINER)) continue;
    const container = key.slice(APPARMOR_CONTAINER.length);
    names ??= new Set(containersOf(spec, annotationsPath).map(({ container: c }) => stringOf(c["name"])));
    if (!names.has(container)) errs.push(invalid(annotationsPath.key(key), container, { rule: "metadata.annotations.apparmor.container", detail: "container not found" }));
    if (value !== "" && value !== "runtime/default" && value !== "unconfined" && !value.startsWith(LOCALHOST)) {
      errs.push(invalid(annotationsPath.key(key), value, { rule: "metadata.annotations.apparmor.format", detail: `invalid AppArmor profile name: ${goQuote(value)}` }));
    }
  }
  return errs;
}

/** Whether an annotation and a profile field say the same; the field that differs, or undefined. */
function mismatch(annotation: string, profile: JsonRecord, runtimeDefaults: readonly string[]): "type" | "localhostProfile" | undefined {
  switch (profile["type"]) {
    case "Unconfined": return annotation === "unconfined" ? undefined : "type";
    case "RuntimeDefault": return runtimeDefaults.includes(annotation) ? undefined : "type";
    case "Localhost":
      if (!annotation.startsWith(LOCALHOST)) return "type";
      return annotation.slice(LOCALHOST.length) === stringOf(profile["localhostProfile"]) ? undefined : "localhostProfile";
    default: return undefined;
  }
}

export function checkSecurityAnnotationsMatchFields(annotations: unknown, spec: JsonRecord, specPath: FieldPath): FieldError[] {
  const entries = stringEntriesOf(annotations).filter(([k]) => k === SECCOMP_POD || k.startsWith(SECCOMP_CONTAINER) || k.startsWith(APPARMOR_CONTAINER));
  if (entries.length === 0) return [];
  const notes = new Map(entries);
  const errs: FieldError[] = [];
  const report = (kind: "seccomp" | "apparmor", at: FieldPath, field: "type" | "localhostProfile"): void => {
    const what = field === "type" ? "type" : "profile";
    errs.push(forbidden(at.child(field), { rule: `${kind}.annotationMismatch`, detail: `${kind} ${what} in annotation and field must match` }));
  };
  const podSc = recordOf(spec["securityContext"]);
  const podSeccomp = recordOf(podSc?.["seccompProfile"]);
  const podAnnotation = notes.get(SECCOMP_POD);
  const seccompDefaults = ["runtime/default", "docker/default"];
  if (podSeccomp && podAnnotation !== undefined) {
    const field = mismatch(podAnnotation, podSeccomp, seccompDefaults);
    if (field) report("seccomp", specPath.child("securityContext").child("seccompProfile"), field);
  }
  const windows = recordOf(spec["os"])?.["name"] === "windows";
  const podAppArmor = recordOf(podSc?.["appArmorProfile"]);
  for (const { container, path } of containersOf(spec, specPath)) {
    const sc = recordOf(container["securityContext"]);
    const name = stringOf(container["name"]) ?? "";
    const seccomp = recordOf(sc?.["seccompProfile"]);
    const seccompNote = notes.get(`${SECCOMP_CONTAINER}${name}`);
    if (seccomp && seccompNote !== undefined) {
      const field = mismatch(seccompNote, seccomp, seccompDefaults);
      if (field) report("seccomp", path.child("securityContext").child("seccompProfile"), field);
    }
    // Windows pods skip the AppArmor agreement check.
    const appArmor = recordOf(sc?.["appArmorProfile"]) ?? podAppArmor;
    const appArmorNote = notes.get(`${APPARMOR_CONTAINER}${name}`);
    if (!windows && appArmor && appArmorNote !== undefined) {
      const field = mismatch(appArmorNote, appArmor, ["runtime/default"]);
      if (field) report("apparmor", path.child("securityContext").child("appArmorProfile"), field);
    }
  }
  return errs;
}
