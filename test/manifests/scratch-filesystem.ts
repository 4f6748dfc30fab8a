// Real filesystems that refuse writes, for the failure-policy tests. Tests run as root, where
// chmod blocks nothing, so the refusals come from the kernel: a tiny tmpfs (ENOSPC), a
// read-only remount (EROFS), an immutable directory (EPERM). Each helper answers false when
// this machine cannot make one (no mount privilege, no chattr support), and the test skips.
import { execFileSync, spawnSync } from "node:child_process";

function run(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

export function mountTinyTmpfs(dir: string, sizeKiB: number): boolean {
  return run("mount", ["-t", "tmpfs", "-o", `size=${sizeKiB}k,mode=0755`, "tmpfs", dir]);
}

export function remountReadOnly(dir: string): boolean {
  return run("mount", ["-o", "remount,ro", dir]);
}

export function unmount(dir: string): void {
  execFileSync("umount", [dir]);
}

export function setImmutable(path: string, on: boolean): boolean {
  return run("chattr", [on ? "+i" : "-i", path]);
}
