import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { DAEMON_NODE_FLAGS } from "../../tools/daemon-node-flags.js";
import { listRepoFiles, readRepoFile } from "./launch-material.js";

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions in order, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const space = line.indexOf(" ");
      return { op: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

/** The instructions of each stage, split at FROM. */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.op === "FROM") stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

const stages = stagesOf(parseDockerfile(readRepoFile("Dockerfile")));
const build = stages[0] ?? [];
const runtime = stages.at(-1) ?? [];
const pkg = JSON.parse(readRepoFile("package.json")) as { bin: Record<string, string>; files: string[] };
const withoutSlash = (path: string): string => normalize(path).replace(/\/$/, "");
const last = (stage: Instruction[], op: string): string | undefined => stage.filter((i) => i.op === op).at(-1)?.args;

describe("Dockerfile", () => {
  it("has a build stage and a separate runtime stage", () => {
    expect(stages).toHaveLength(2);
    expect(last(build, "FROM")).toMatch(/ AS build$/i);
  });

  it.each(stages.map((stage, i) => ({ i, image: (last(stage, "FROM") ?? "").split(/\s+/)[0] ?? "" })))(
    "stage $i pins $image by version or digest, never latest",
    ({ image }) => {
      const [, tag = "", digest] = /^[^:@]+(?::([^@]+))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(image) ?? [];
      expect(tag).not.toMatch(/latest/);
      expect(digest !== undefined || /^\d+\.\d+\.\d+/.test(tag)).toBe(true);
    },
  );

  it("builds on Node 24 and runs on Node 24 (slim or distroless)", () => {
    expect(last(build, "FROM")).toMatch(/^node:24\./);
    expect(last(runtime, "FROM")).toMatch(/^(node:24\.[\w.-]*slim|gcr\.io\/distroless\/nodejs24)/);
  });

  it("builds with npm ci and npm run build", () => {
    const runs = build.filter((i) => i.op === "RUN").map((i) => i.args);
    expect(runs.some((r) => r.startsWith("npm ci"))).toBe(true);
    expect(runs).toContain("npm run build");
  });

  it("copies every file npm ships into one directory, and the entrypoint runs rower.cjs there", () => {
    const workdir = last(build, "WORKDIR") ?? "/";
    expect(pkg.bin.rower).toBe("dist/rower.cjs");
    // COPY --from=build SRC... DEST: where each shipped path lands in the image.
    const landed = new Map<string, string>();
    for (const copy of runtime.filter((i) => i.op === "COPY" && i.args.startsWith("--from=build "))) {
      const [, ...paths] = copy.args.split(/\s+/);
      const destination = paths.pop() ?? "";
      for (const source of paths) {
        const into = destination.endsWith("/") ? join(destination, source.split("/").at(-1) ?? "") : destination;
        landed.set(withoutSlash(source), withoutSlash(into));
      }
    }
    const app = dirname(landed.get(`${workdir}/dist/rower.cjs`) ?? "");
    for (const shipped of pkg.files) expect(landed.get(withoutSlash(`${workdir}/${shipped}`))).toBe(withoutSlash(join(app, shipped.replace(/^dist\//, ""))));
    const entrypoint = JSON.parse(last(runtime, "ENTRYPOINT") ?? "null") as string[];
    // Node directly: distroless has no shell and no /usr/bin/env.
    expect(entrypoint).toEqual([expect.stringMatching(/^\/(usr\/local\/bin|nodejs\/bin)\/node$/), ...DAEMON_NODE_FLAGS, join(app, "rower.cjs")]);
    expect(JSON.parse(last(runtime, "CMD") ?? "null")).toEqual(["run"]);
  });

  it("ships a code cache made under the entrypoint's flags, where the runtime looks for it", () => {
    const workdir = last(build, "WORKDIR") ?? "/";
    const made = build.filter((i) => i.op === "RUN").map((i) => /\bCACHE_DIRECTORY=(\S+) node ((?:--\S+ )*)dist\/rower\.cjs /.exec(i.args)).find((m) => m !== null);
    expect(made?.[2]?.trim().split(" ").filter((f) => f !== "")).toEqual(DAEMON_NODE_FLAGS);
    const copy = runtime.find((i) => i.op === "COPY" && i.args.startsWith(`--from=build ${made?.[1] ?? "?"} `));
    expect(withoutSlash(made?.[1] ?? "")).toBe(withoutSlash(`${workdir}/dist/cache`));
    const env = runtime.filter((i) => i.op === "ENV").map((i) => /^CACHE_DIRECTORY=(\S+)$/.exec(i.args)?.[1]).find((v) => v !== undefined);
    expect(env).toBe(copy?.args.split(/\s+/).at(-1));
  });

  it("its cache-making step, run against this build, makes the caches of validate and run, each taken by its command as it is", () => {
    const step = build.filter((i) => i.op === "RUN").map((i) => i.args).find((args) => args.includes("CACHE_DIRECTORY="));
    const workdir = last(build, "WORKDIR") ?? "/";
    const root = mkdtempSync(join(tmpdir(), "rower-image-cache-"));
    try {
      mkdirSync(join(root, "dist"));
      for (const file of ["rower.cjs", "cli.cjs"]) copyFileSync(join("dist", file), join(root, "dist", file));
      // The step as the build runs it, from the build's WORKDIR (here: a copy of dist/).
      const made = spawnSync("sh", ["-c", (step ?? "false").replaceAll(`${workdir}/`, `${root}/`).replace(/\bnode /g, `${process.execPath} `)], { cwd: root, encoding: "utf8" });
      expect(made.status, made.stderr).toBe(0);
      expect(readdirSync(root).sort()).toEqual(["dist"]); // the scratch input and directories are gone
      const dir = join(root, "dist", "cache", "compile");
      const caches = readdirSync(dir).sort();
      expect(caches).toHaveLength(2);
      const identities = () => caches.map((cache) => `${statSync(join(dir, cache)).ino}:${statSync(join(dir, cache)).mtimeMs}`);
      for (const cache of caches) expect(statSync(join(dir, cache)).mode & 0o777).toBe(0o644);
      expect(statSync(dir).mode & 0o777).toBe(0o755);
      const before = identities();
      const env = { PATH: process.env.PATH ?? "", CACHE_DIRECTORY: join(root, "dist", "cache") };
      const validate = spawnSync(process.execPath, [...DAEMON_NODE_FLAGS, join(root, "dist", "rower.cjs"), "validate", "examples/nginx.yaml"], { encoding: "utf8", env });
      expect(validate.status, validate.stderr).toBe(0);
      const scratch = mkdtempSync(join(tmpdir(), "rower-image-run-"));
      try {
        const run = spawnSync(process.execPath, [...DAEMON_NODE_FLAGS, join(root, "dist", "rower.cjs"), "run", "--once", "--source", "file:examples/nginx.yaml",
          "--manifest-dir", join(scratch, "manifests"), "--state-dir", join(scratch, "state"), "--node-name", "test"], { encoding: "utf8", env });
        expect(run.status, run.stderr).toBe(0);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      expect(identities()).toEqual(before); // V8 took both: a cache it rejects is written again
      expect(readdirSync(dir).sort()).toEqual(caches);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("runs as a non-root user by default", () => {
    expect(last(runtime, "USER")).toMatch(/^(node|nonroot|[1-9]\d*)(:|$)/);
  });

  it("keeps the build context small without hiding what the build copies", () => {
    const ignored = readRepoFile(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", "dist", ".git"]));
    const copied = build
      .filter((i) => i.op === "COPY")
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .map((p) => p.split("/")[0]);
    for (const path of copied) expect(ignored).not.toContain(path);
  });

  describe("the build stage's context is enough for npm run build", () => {
    const copied = build
      .filter((i) => i.op === "COPY" && !i.args.startsWith("--from"))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const isCopied = (path: string): boolean => copied.some((c) => path === c || path.startsWith(`${c}/`));

    it("copies what the build script reads (package.json, the lockfile, the entry point)", () => {
      const buildScript = readRepoFile("tools/build.mjs");
      const reads = [...buildScript.matchAll(/new URL\("\.\.\/([^"]+)"/g)].map((m) => m[1] ?? "").filter((p) => !p.startsWith("dist/"));
      expect(reads).toEqual(expect.arrayContaining(["package.json", "src/cli/bin.ts"]));
      expect(["tools/build.mjs", "package-lock.json", ...reads].filter((p) => !isCopied(p))).toEqual([]);
    });

    it("has no source file importing from outside src/", () => {
      const escapes = listRepoFiles("src")
        .filter((file) => file.endsWith(".ts"))
        .flatMap((file) =>
          [...readRepoFile(file).matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)]
            .map((m) => normalize(join(dirname(file), m[1] ?? "")))
            .filter((target) => !target.startsWith("src/"))
            .map((target) => `${file} -> ${target}`),
        );
      expect(escapes).toEqual([]);
    });
  });
});
