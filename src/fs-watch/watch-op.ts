// chokidar's raw events mapped, in one switch, to the closed set rower acts on, as the
// kubelet's file_linux.go maps fsnotify ops before anything acts on them. Used by the
// file: source and by the policy file's watch.
import type { EventName } from "chokidar/handler.js";

export type WatchOp = "add" | "modify" | "delete";

/** The op a chokidar event stands for; undefined for events that are not a change (ready, raw, error). */
export function watchOpOf(event: EventName): WatchOp | undefined {
  switch (event) {
    case "add":
    case "addDir":
      return "add";
    case "change":
      return "modify";
    case "unlink":
    case "unlinkDir":
      return "delete";
    case "all":
    case "ready":
    case "raw":
    case "error":
      return undefined;
  }
}
