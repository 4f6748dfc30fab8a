import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRepoFile } from "./launch-material.js";
import { parseUnitFile, unitList, unitValue } from "./unit-file.js";

const FLAVOURS = ["docker", "podman", "node"] as const;
const KUBELET = "deploy/systemd/kubelet.service";
const SYSTEM_UNITS = "/usr/lib/systemd/system";

function findSystemdAnalyze(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v systemd-analyze"], { encoding: "utf8" });
  return found.status === 0 && existsSync(SYSTEM_UNITS) ? found.stdout.trim() : undefined;
}
const systemdAnalyze = findSystemdAnalyze();

/** The executables a unit runs (ExecStart=, ExecStartPre=, ...), without systemd's prefixes. */
function executablesOf(unitText: string): string[] {
  const unit = parseUnitFile(unitText);
  const service = unit.get("Service") ?? new Map<string, string[]>();
  return [...service.entries()]
    .filter(([key]) => key.startsWith("Exec"))
    .flatMap(([, values]) => values)
    .map((command) => command.replace(/^[-+@!:]+/, "").split(/\s+/)[0] ?? "");
}

describe("systemd units", () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  // verify --root needs the whole unit tree (sysinit.target, ...) and every executable
  // inside the root: a copy of this machine's units plus stubs for ours (kubelet, docker,
  // podman, node and mkdir need not exist here).
  function makeRoot(units: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), "rower-units-"));
    roots.push(root);
    cpSync(SYSTEM_UNITS, join(root, SYSTEM_UNITS), { recursive: true, verbatimSymlinks: true });
    mkdirSync(join(root, "etc/systemd/system"), { recursive: true });
    for (const [name, text] of Object.entries(units)) {
      writeFileSync(join(root, "etc/systemd/system", name), text);
      for (const exe of executablesOf(text)) {
        mkdirSync(join(root, dirname(exe)), { recursive: true });
        writeFileSync(join(root, exe), "#!/bin/sh\nexit 0\n");
        chmodSync(join(root, exe), 0o755);
      }
    }
    return root;
  }

  it.skipIf(!systemdAnalyze).each(FLAVOURS)(
    systemdAnalyze
      ? "the %s flavour with the kubelet passes systemd-analyze verify"
      : "the %s flavour passes systemd-analyze verify (skipped: systemd-analyze is not installed)",
    (flavour) => {
      if (!systemdAnalyze) return;
      const names = ["kubelet.service", "rower-init.service", "rower.service"];
      const root = makeRoot({
        "kubelet.service": readRepoFile(KUBELET),
        "rower-init.service": readRepoFile(`deploy/systemd/${flavour}/rower-init.service`),
        "rower.service": readRepoFile(`deploy/systemd/${flavour}/rower.service`),
      });
      const result = spawnSync(
        systemdAnalyze,
        ["verify", `--root=${root}`, ...names.map((n) => join(root, "etc/systemd/system", n))],
        { encoding: "utf8", env: { ...process.env, SYSTEMD_LOG_COLOR: "0" } },
      );
      // Unknown keys and bad values are only warnings (exit 0): an empty stderr is the check.
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    },
  );

  it.skipIf(!systemdAnalyze)("systemd-analyze verify rejects a unit that is wrong (the check can fail)", () => {
    if (!systemdAnalyze) return;
    const root = makeRoot({ "broken.service": "[Service]\nTyp=oneshot\nExecStart=/usr/bin/true\n" });
    const result = spawnSync(systemdAnalyze, ["verify", `--root=${root}`, join(root, "etc/systemd/system/broken.service")], {
      encoding: "utf8",
    });
    expect(result.stderr).toContain("Unknown key 'Typ'");
  });
});

describe("the kubelet unit", () => {
  const kubelet = parseUnitFile(readRepoFile(KUBELET));

  it("only Wants rower-init (a failed first sync must not keep it down) and starts after it", () => {
    expect(unitList(kubelet, "Unit", "Wants")).toContain("rower-init.service");
    expect(unitList(kubelet, "Unit", "After")).toContain("rower-init.service");
    for (const hard of ["Requires", "Requisite", "BindsTo", "PartOf"]) {
      expect(unitList(kubelet, "Unit", hard)).not.toContain("rower-init.service");
    }
  });

  it("fetches the pinned kubelet and credential providers, checked, before running it with the standalone config", () => {
    expect(kubelet.get("Service")?.get("EnvironmentFile")).toEqual(["/etc/kubernetes/kubelet.env", "/etc/kubernetes/credential-providers.env"]);
    expect(kubelet.get("Service")?.get("ExecStartPre")).toEqual(expect.arrayContaining(["/opt/rower/bin/fetch-kubelet", "/opt/rower/bin/fetch-credential-providers"]));
    expect(unitValue(kubelet, "Service", "ExecStart")?.split(/\s+/)).toEqual([
      "/opt/bin/kubelet",
      "--config=/etc/kubernetes/kubelet-config.yaml",
      "--image-credential-provider-config=/etc/kubernetes/credential-providers.yaml",
      "--image-credential-provider-bin-dir=/opt/bin/credential-providers",
    ]);
    expect(unitValue(kubelet, "Service", "Restart")).toBe("always");
  });
});

describe.each(FLAVOURS)("rower's %s units", (flavour) => {
  const init = parseUnitFile(readRepoFile(`deploy/systemd/${flavour}/rower-init.service`));
  const daemon = parseUnitFile(readRepoFile(`deploy/systemd/${flavour}/rower.service`));
  const initStart = unitValue(init, "Service", "ExecStart") ?? "";
  const daemonStart = unitValue(daemon, "Service", "ExecStart") ?? "";

  it("rower-init is a oneshot `rower run --once` ordered before the kubelet and the daemon", () => {
    expect(unitValue(init, "Service", "Type")).toBe("oneshot");
    expect(unitValue(init, "Service", "RemainAfterExit")).toBe("yes");
    expect(initStart).toMatch(/ run --once$/);
    expect(unitList(init, "Unit", "Before")).toEqual(expect.arrayContaining(["kubelet.service", "rower.service"]));
  });

  it("rower is the restarting daemon, after rower-init, so the two never overlap", () => {
    expect(unitValue(daemon, "Service", "Restart")).toBe("always");
    expect(unitList(daemon, "Unit", "After")).toContain("rower-init.service");
    expect(daemonStart).toMatch(/ run( |$)/);
    expect(daemonStart).not.toContain("--once");
  });

  it.each([
    { name: "rower-init", start: initStart },
    { name: "rower", start: daemonStart },
  ])("$name runs the rower release this flavour ships", ({ start }) => {
    if (flavour === "node") {
      expect(start).toMatch(/^\/usr\/bin\/node \/opt\/rower\/rower\.mjs run/);
      return;
    }
    expect(start.startsWith(`/usr/bin/${flavour} run --rm `)).toBe(true);
    for (const flag of [
      "--network host",
      "--read-only",
      "--volume /etc/kubernetes/manifests:/etc/kubernetes/manifests ",
      "--volume /run/rower:/run/rower ",
      "--volume /sys/class/dmi/id:/sys/class/dmi/id:ro ",
      "${ROWER_IMAGE} run",
    ]) {
      expect(start).toContain(flag);
    }
  });

  it("reads the image reference from /etc/rower/rower.env (container flavours)", () => {
    const expected = flavour === "node" ? undefined : "/etc/rower/rower.env";
    expect(unitValue(init, "Service", "EnvironmentFile")).toBe(expected);
    expect(unitValue(daemon, "Service", "EnvironmentFile")).toBe(expected);
  });

  it.skipIf(flavour !== "node")("is hardened without losing the manifest and state directories", () => {
    for (const unit of [init, daemon]) {
      expect(unitValue(unit, "Service", "ProtectSystem")).toBe("strict");
      expect(unitList(unit, "Service", "ReadWritePaths")).toContain("/etc/kubernetes/manifests");
      expect(unitValue(unit, "Service", "RuntimeDirectory")).toBe("rower");
      expect(unitValue(unit, "Service", "NoNewPrivileges")).toBe("yes");
    }
  });
});
