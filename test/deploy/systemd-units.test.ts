import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRepoFile } from "./launch-material.js";
import { parseUnitFile, unitList, unitValue } from "./unit-file.js";
import { DAEMON_NODE_FLAGS } from "../../tools/daemon-node-flags.js";

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
      // The node flags the image's entrypoint carries, so both flavours run rower alike.
      expect(start.startsWith(`/usr/bin/node ${DAEMON_NODE_FLAGS.join(" ")} /opt/rower/rower.cjs run`)).toBe(true);
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
      // The compile cache's directory (src/cli/compile-cache.ts reads CACHE_DIRECTORY).
      expect(unitValue(unit, "Service", "CacheDirectory")).toBe("rower");
      expect(unitValue(unit, "Service", "NoNewPrivileges")).toBe("yes");
    }
  });
});

// Flatcar's Kubernetes sysext (flatcar/sysext-bakery) ships kubelet.service.d/10-kubeadm.conf
// under /usr/lib, which applies to our /etc unit too. A stand-in with the kind of directives
// it sets (paraphrased, not copied): kubeadm's environment, an extra ExecStartPre, and
// ExecStart reset to kubeadm's command line.
const KUBEADM_DROP_IN = [
  "[Service]",
  'Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"',
  "EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env",
  "ExecStartPre=/usr/bin/cp -r /usr/local/bin/cni/. /opt/cni/bin/",
  "ExecStart=",
  "ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS",
  "",
].join("\n");
const SYSEXT_DROP_IN = "deploy/systemd/kubelet-sysext.conf";
const LIST_DIRECTIVES = ["Environment", "EnvironmentFile", "ExecStartPre", "ExecStart"];

/** systemd's merge of a unit and its drop-ins (in name order): an empty value resets a list. */
function effectiveService(texts: string[]): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const text of texts) {
    for (const [key, values] of parseUnitFile(text).get("Service") ?? []) {
      for (const value of values) {
        if (value === "" && LIST_DIRECTIVES.includes(key)) merged.set(key, []);
        else merged.set(key, [...(merged.get(key) ?? []), value]);
      }
    }
  }
  return merged;
}

describe("the Flatcar sysext drop-in (deploy/systemd/kubelet-sysext.conf)", () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /** A root with the sysext's drop-in under /usr/lib and our units (and drop-in) under /etc. */
  function sysextRoot(ourDropIn: string | undefined): string {
    const root = mkdtempSync(join(tmpdir(), "rower-sysext-"));
    roots.push(root);
    cpSync(SYSTEM_UNITS, join(root, SYSTEM_UNITS), { recursive: true, verbatimSymlinks: true });
    mkdirSync(join(root, SYSTEM_UNITS, "kubelet.service.d"), { recursive: true });
    writeFileSync(join(root, SYSTEM_UNITS, "kubelet.service.d/10-kubeadm.conf"), KUBEADM_DROP_IN);
    mkdirSync(join(root, "etc/systemd/system/kubelet.service.d"), { recursive: true });
    writeFileSync(join(root, "etc/systemd/system/kubelet.service"), readRepoFile(KUBELET));
    for (const unit of ["rower-init.service", "rower.service"]) {
      writeFileSync(join(root, "etc/systemd/system", unit), readRepoFile(`deploy/systemd/docker/${unit}`));
    }
    if (ourDropIn !== undefined) writeFileSync(join(root, "etc/systemd/system/kubelet.service.d/20-rower-sysext.conf"), ourDropIn);
    // The sysext's kubelet, and what the drop-in and rower's units run; not /opt/bin/kubelet.
    for (const exe of ["/usr/bin/kubelet", "/usr/bin/mkdir", "/usr/bin/docker", "/opt/rower/bin/fetch-credential-providers", "/opt/rower/bin/make-kubelet-pki"]) {
      mkdirSync(join(root, dirname(exe)), { recursive: true });
      writeFileSync(join(root, exe), "#!/bin/sh\nexit 0\n");
      chmodSync(join(root, exe), 0o755);
    }
    return root;
  }
  const verify = (root: string) =>
    spawnSync(systemdAnalyze ?? "false", ["verify", `--root=${root}`, join(root, "etc/systemd/system/kubelet.service")], {
      encoding: "utf8", env: { ...process.env, SYSTEMD_LOG_COLOR: "0" },
    });

  it("restores the standalone command line over the sysext's kubeadm one", () => {
    const service = effectiveService([readRepoFile(KUBELET), KUBEADM_DROP_IN, readRepoFile(SYSEXT_DROP_IN)]);
    const standalone = effectiveService([readRepoFile(KUBELET)]);
    expect(service.get("ExecStart")).toEqual([(standalone.get("ExecStart")?.[0] ?? "").replace("/opt/bin/kubelet", "/usr/bin/kubelet")]);
    // The pinned download is not needed; everything else the unit runs first still runs.
    expect(service.get("ExecStartPre")).toEqual(standalone.get("ExecStartPre")?.filter((c) => c !== "/opt/rower/bin/fetch-kubelet"));
    expect(service.get("EnvironmentFile")).toEqual(standalone.get("EnvironmentFile"));
    expect(service.get("Environment")).toEqual([]);
  });

  it("the merge model sees kubeadm's command line without the drop-in (the check can fail)", () => {
    const service = effectiveService([readRepoFile(KUBELET), KUBEADM_DROP_IN]);
    expect(service.get("ExecStart")?.[0]).toContain("$KUBELET_KUBECONFIG_ARGS");
    expect(service.get("EnvironmentFile")).toContain("-/var/lib/kubelet/kubeadm-flags.env");
  });

  it.skipIf(!systemdAnalyze)("passes systemd-analyze verify with the sysext's drop-in and the sysext's kubelet", () => {
    const result = verify(sysextRoot(readRepoFile(SYSEXT_DROP_IN)));
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
  });

  it.skipIf(!systemdAnalyze)("is refused by systemd-analyze verify without its ExecStart= reset (the check can fail)", () => {
    const result = verify(sysextRoot(readRepoFile(SYSEXT_DROP_IN).replace(/^ExecStart=$\n/m, "")));
    expect(result.stderr).toContain("more than one ExecStart= setting");
  });
});

