// The process's side of configuration: the only place rower reads `process.env`.
import { hostname } from "node:os";
import { parseConfig, type ConfigResult } from "./config.js";

export function loadConfig(flags: Readonly<Record<string, unknown>>): ConfigResult {
  return parseConfig(flags, process.env, { hostname: hostname(), isTTY: Boolean(process.stderr.isTTY) });
}
