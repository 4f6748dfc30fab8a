// Container volumeMounts (validation.go ValidateVolumeMounts).
import type { FieldError } from "../../errors/field-error.js";
import { forbidden, invalid, notFound, required, unsupported } from "../../errors/field-error.js";
import type { FieldPath } from "../../errors/field-path.js";
import { checkLocalDescendingPath } from "./local-paths.js";
import { arrayOf, isBlank, recordOf, stringOf } from "./read-json.js";

const PROPAGATION_MODES = ["Bidirectional", "HostToContainer", "None"] as const;
const RECURSIVE_READ_ONLY = ["Disabled", "Enabled", "IfPossible"] as const;

export function checkVolumeMounts(value: unknown, volumeNames: ReadonlySet<string>, privileged: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  arrayOf(value).forEach((item, m) => {
    const mount = recordOf(item);
    if (!mount) return;
    const at = path.index(m);
    // Both fire for an empty name, as in the API server: no volume can be called "".
    const name = isBlank(mount["name"]) ? "" : stringOf(mount["name"]);
    if (name === "") errs.push(required(at.child("name"), { rule: "container.volumeMount.name.required" }));
    if (name !== undefined && !volumeNames.has(name)) errs.push(notFound(at.child("name"), name, { rule: "container.volumeMount.name.notFound" }));
    const mountPath = isBlank(mount["mountPath"]) ? "" : stringOf(mount["mountPath"]);
    if (mountPath === "") errs.push(required(at.child("mountPath"), { rule: "container.volumeMount.mountPath.required" }));
    if (mountPath === undefined) return;
    if (mountPaths.has(mountPath)) errs.push(invalid(at.child("mountPath"), mountPath, { rule: "container.volumeMount.mountPath.duplicate", detail: "must be unique" }));
    mountPaths.add(mountPath);
    const subPath = stringOf(mount["subPath"]) ?? "";
    const subPathExpr = stringOf(mount["subPathExpr"]) ?? "";
    // The API server reports subPath problems on `volumeMounts.subPath`, without the index.
    if (subPath !== "") errs.push(...checkLocalDescendingPath(subPath, path.child("subPath"), "container.volumeMount.subPath.format"));
    if (subPathExpr !== "") {
      if (subPath !== "") {
        errs.push(invalid(at.child("subPathExpr"), subPathExpr, { rule: "container.volumeMount.subPathExpr.exclusive", detail: "subPathExpr and subPath are mutually exclusive" }));
      }
      errs.push(...checkLocalDescendingPath(subPathExpr, path.child("subPathExpr"), "container.volumeMount.subPathExpr.format"));
    }
    const propagation = stringOf(mount["mountPropagation"]);
    if (propagation !== undefined) {
      if (!(PROPAGATION_MODES as readonly string[]).includes(propagation)) {
        errs.push(unsupported(path.child("mountPropagation"), propagation, PROPAGATION_MODES, { rule: "container.volumeMount.mountPropagation.unsupported" }));
      } else if (propagation === "Bidirectional" && !privileged) {
        errs.push(forbidden(path.child("mountPropagation"), { rule: "container.volumeMount.mountPropagation.privileged", detail: "Bidirectional mount propagation is available only to privileged containers" }));
      }
    }
    const recursive = stringOf(mount["recursiveReadOnly"]);
    if (recursive !== undefined) {
      if (!(RECURSIVE_READ_ONLY as readonly string[]).includes(recursive)) {
        errs.push(unsupported(path.child("recursiveReadOnly"), recursive, RECURSIVE_READ_ONLY, { rule: "container.volumeMount.recursiveReadOnly.unsupported" }));
      } else if (recursive !== "Disabled" && mount["readOnly"] !== true) {
        errs.push(forbidden(path.child("recursiveReadOnly"), { rule: "container.volumeMount.recursiveReadOnly.readOnly", detail: "may only be specified when readOnly is true" }));
      }
    }
  });
  return errs;
}
