// file:PATH over real temp files: a file, a directory of non-dot files in name order,
// editors' rename-and-replace saves, and the size cap.
import { appendFileSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileSource } from "../../src/sources/file.js";
import type { SourceLog } from "../../src/sources/source-options.js";
import { text, watchSource, type WatchCursor } from "./watch-cursor.js";

const signal = new AbortController().signal;

describe("file source", () => {
  let dir: string;
  let cursor: WatchCursor | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "rower-file-source-"));
  });
  afterEach(async () => {
    await cursor?.stop();
    cursor = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a path missing at the first look as an error naming it, and as absent once it has been seen", async () => {
    const file = join(dir, "pods.yaml");
    const source = new FileSource(file, {});
    const missing = await source.read(signal);
    expect(missing).toMatchObject({ kind: "error", errorKind: "unreachable", source: `file:${file}` });
    expect(missing.kind === "error" && missing.message).toContain(file);
    await writeFile(file, "a: 1\n");
    expect(text(await source.read(signal))).toBe("a: 1\n");
    // Each read is fresh: no event, no cache.
    await writeFile(file, "a: 2\n");
    expect(text(await source.read(signal))).toBe("a: 2\n");
    await unlink(file);
    expect(await source.read(signal)).toMatchObject({ kind: "absent", source: `file:${file}` });
  });

  it("reads a file only once it has settled: a write landing between two looks is waited out", async () => {
    const file = join(dir, "pods.yaml");
    await writeFile(file, "part: 1\n");
    // The writer appends right after each of the first looks, synchronously, so the next look differs.
    const appended: string[] = [];
    const log: SourceLog = {
      info() {},
      warn() {},
      debug(event) {
        if (event !== "source.settling" || appended.length >= 2) return;
        const chunk = `part: ${appended.length + 2}\n`;
        appendFileSync(file, chunk);
        appended.push(chunk);
      },
    };
    const payload = await new FileSource(file, { log }).read(signal);
    expect({ appended: appended.length, text: text(payload) }).toEqual({ appended: 2, text: "part: 1\npart: 2\npart: 3\n" });
  });

  const directoryCases: Array<{ desc: string; files: Record<string, string>; expect: string }> = [
    { desc: "files in name order, separated into documents", files: { "b.yaml": "b: 1\n", "a.yaml": "a: 1" }, expect: "a: 1\n---\nb: 1\n" },
    { desc: "dotfiles skipped", files: { ".hidden.yaml": "h: 1\n", "a.yaml": "a: 1\n" }, expect: "a: 1\n" },
    { desc: "no doubled separator for a file starting with ---", files: { "a.yaml": "a: 1\n", "b.yaml": "---\nb: 1\n" }, expect: "a: 1\n---\nb: 1\n" },
    { desc: "an empty directory is an empty payload", files: {}, expect: "" },
    { desc: "a BOM stripped from every file", files: { "a.yaml": "\ufeffa: 1\n", "b.yaml": "\ufeffb: 1\n" }, expect: "a: 1\n---\nb: 1\n" },
    { desc: "a BOM before a leading --- still no doubled separator", files: { "a.yaml": "a: 1\n", "b.yaml": "\ufeff---\nb: 1\n" }, expect: "a: 1\n---\nb: 1\n" },
    { desc: "CRLF files keep their line ends", files: { "a.yaml": "a: 1\r\n", "b.yaml": "b: 1\r\n" }, expect: "a: 1\r\n---\nb: 1\r\n" },
    {
      desc: "editor and patch leftovers skipped",
      files: { "a.yaml": "a: 1\n", "a.yaml~": "x: 1\n", "#a.yaml#": "x: 2\n", "a.yaml.bak": "x: 3\n", "a.yaml.orig": "x: 4\n", "a.yaml.rej": "x: 5\n", "a.yaml.tmp": "x: 6\n", "a.yaml.swp": "x: 7\n" },
      expect: "a: 1\n",
    },
  ];
  for (const c of directoryCases) {
    it(`reads a directory: ${c.desc}`, async () => {
      const pods = join(dir, "pods.d");
      await mkdir(pods);
      for (const [name, content] of Object.entries(c.files)) await writeFile(join(pods, name), content);
      await mkdir(join(pods, "subdir"));
      expect(text(await new FileSource(pods, {}).read(signal))).toBe(c.expect);
    });
  }

  it("logs the skipped leftovers once, not on every read", async () => {
    await writeFile(join(dir, "a.yaml"), "a: 1\n");
    await writeFile(join(dir, "a.yaml~"), "a: 0\n");
    const events: Array<{ event: string; fields?: object }> = [];
    const log = { info: (event: string, fields?: object) => events.push({ event, fields }), warn: (event: string, fields?: object) => events.push({ event, fields }) };
    const source = new FileSource(dir, { log });
    await source.read(signal);
    await source.read(signal);
    expect(events).toEqual([{ event: "source.files_skipped", fields: { source: `file:${dir}`, files: ["a.yaml~"], reason: "editor backup or temporary file" } }]);
  });

  it("refuses a file or directory over maxBytes as too-large", async () => {
    await writeFile(join(dir, "big.yaml"), "x".repeat(101));
    expect(await new FileSource(join(dir, "big.yaml"), { maxBytes: 100 }).read(signal)).toMatchObject({ kind: "error", errorKind: "too-large" });
    expect(await new FileSource(dir, { maxBytes: 100 }).read(signal)).toMatchObject({ kind: "error", errorKind: "too-large" });
  });

  it("watches a file through in-place writes, rename-and-replace saves and deletion", async () => {
    const file = join(dir, "pods.yaml");
    await writeFile(file, "v1\n");
    cursor = watchSource(new FileSource(file, { debounceMs: 10 }));
    expect(text(await cursor.next())).toBe("v1\n");
    const next = cursor.next();
    // An editor's save: write a temp file beside it, then rename over the original.
    await writeFile(join(dir, ".pods.yaml.swp"), "v2\n");
    await rename(join(dir, ".pods.yaml.swp"), file);
    expect(text(await next)).toBe("v2\n");
    const afterWrite = cursor.next();
    await writeFile(file, "v3\n");
    expect(text(await afterWrite)).toBe("v3\n");
    const afterDelete = cursor.next();
    await unlink(file);
    expect(await afterDelete).toMatchObject({ kind: "absent" });
  });

  it("yields a contact when an event brought the same bytes", async () => {
    const file = join(dir, "pods.yaml");
    await writeFile(file, "v1\n");
    cursor = watchSource(new FileSource(file, { debounceMs: 10 }));
    expect(text(await cursor.next())).toBe("v1\n");
    const next = cursor.nextItem();
    await writeFile(file, "v1\n");
    expect(await next).toEqual({ kind: "contact", source: `file:${file}` });
  });

  it("holds an emptied file: content written back meanwhile is all the watch yields", async () => {
    const file = join(dir, "pods.yaml");
    await writeFile(file, "v1\n");
    const held: object[] = [];
    let onHeld: () => void = () => {};
    const log: SourceLog = { info: (event, fields) => { if (event === "source.empty_held") { held.push(fields ?? {}); onHeld(); } }, warn() {} };
    cursor = watchSource(new FileSource(file, { debounceMs: 10, log }));
    expect(text(await cursor.next())).toBe("v1\n");
    const next = cursor.next();
    // `> pods.yaml`: truncate, then (once the watch has seen it empty) write.
    const heldNow = new Promise<"held">((resolve) => (onHeld = () => resolve("held")));
    await writeFile(file, "");
    expect(await Promise.race([heldNow, next.then((item) => `yielded ${text(item)}`)])).toBe("held");
    await writeFile(file, "v2\n");
    expect(text(await next)).toBe("v2\n");
    expect(held).toEqual([{ source: `file:${file}`, state: "present", holdMs: 1000 }]);
  });

  it("yields an emptied file once it has stayed empty through the hold", async () => {
    const file = join(dir, "pods.yaml");
    await writeFile(file, "v1\n");
    cursor = watchSource(new FileSource(file, { debounceMs: 10 }));
    expect(text(await cursor.next())).toBe("v1\n");
    const next = cursor.next();
    await writeFile(file, "\n");
    expect(text(await next)).toBe("\n");
  });

  it("does not yield for unrelated files beside the watched one", async () => {
    const file = join(dir, "pods.yaml");
    await writeFile(file, "v1\n");
    cursor = watchSource(new FileSource(file, { debounceMs: 10 }));
    expect(text(await cursor.next())).toBe("v1\n");
    const next = cursor.next();
    await writeFile(join(dir, "other.yaml"), "noise\n");
    await writeFile(file, "v2\n");
    expect(text(await next)).toBe("v2\n");
  });

  it("watches a directory: a new file joins in name order", async () => {
    await writeFile(join(dir, "b.yaml"), "b: 1\n");
    cursor = watchSource(new FileSource(dir, { debounceMs: 10 }));
    expect(text(await cursor.next())).toBe("b: 1\n");
    const next = cursor.next();
    await writeFile(join(dir, "a.yaml"), "a: 1\n");
    expect(text(await next)).toBe("a: 1\n---\nb: 1\n");
  });
});
