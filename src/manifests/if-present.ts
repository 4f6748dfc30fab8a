// The two file operations where "not there" is an answer, not an error.
import { lstat, unlink } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { errnoCode, withIoContext } from "./manifest-io-error.js";

/** lstat with nanosecond times; undefined for a path that does not exist. */
export async function lstatIfPresent(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true });
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return undefined;
    return withIoContext("lstat", path, () => Promise.reject(err));
  }
}

/** unlink, where a file already gone has reached the goal (false); `what` names it in an error. */
export async function unlinkIfPresent(path: string, what = "remove"): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return false;
    return withIoContext(what, path, () => Promise.reject(err));
  }
}
