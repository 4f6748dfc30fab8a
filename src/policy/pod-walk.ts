// What the policy rules read from a pod, without trusting its shape: every layer of validation
// runs on every document, so a pod with wrong types reaches the policy too (the schema layer
// reports those). Containers are visited in the order pod-security-admission's visitor uses:
// init containers, containers, ephemeral containers.
import { FieldPath } from "../errors/field-path.js";
import { arrayOf, recordOf, type JsonRecord } from "../validate/semantics/read-json.js";

export interface ContainerAt {
  container: JsonRecord;
  path: FieldPath;
  /** The container's name, for details ("" when it has none). */
  name: string;
}

export interface PodView {
  metadata: JsonRecord;
  metadataPath: FieldPath;
  spec: JsonRecord;
  specPath: FieldPath;
  containers: ContainerAt[];
}

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

export function viewPod(pod: unknown): PodView {
  const root = recordOf(pod) ?? {};
  const spec = recordOf(root["spec"]) ?? {};
  const specPath = FieldPath.root().child("spec");
  const containers: ContainerAt[] = [];
  for (const list of CONTAINER_LISTS) {
    arrayOf(spec[list]).forEach((item, i) => {
      const container = recordOf(item);
      if (container === undefined) return;
      const name = typeof container["name"] === "string" ? container["name"] : "";
      containers.push({ container, path: specPath.child(list).index(i), name });
    });
  }
  return { metadata: recordOf(root["metadata"]) ?? {}, metadataPath: FieldPath.root().child("metadata"), spec, specPath, containers };
}

/** The record at `key` of `record`, or undefined when absent or not an object. */
export function child(record: JsonRecord | undefined, key: string): JsonRecord | undefined {
  return record === undefined ? undefined : recordOf(record[key]);
}

/** Quoted for a detail: `container "web"`. */
export function describeContainer(at: ContainerAt): string {
  return at.name === "" ? "a container without a name" : `container ${JSON.stringify(at.name)}`;
}
