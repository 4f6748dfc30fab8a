// Every soak row, in the order of issue 9's list.
import type { SoakRow } from "../row.js";
import { lone404, truncatedEc2, truncatedGce, ignoresWaitForChange, flappingKey } from "./metadata-faults.js";
import { slowShellSave, typoInPath } from "./file-saves.js";
import { hostilePayloads, idleConnections } from "./resources.js";

export const SOAK_ROWS: SoakRow[] = [
  truncatedGce,
  truncatedEc2,
  lone404,
  slowShellSave,
  typoInPath,
  hostilePayloads,
  ignoresWaitForChange,
  flappingKey,
  idleConnections,
];
