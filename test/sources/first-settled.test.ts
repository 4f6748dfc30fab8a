import { describe, expect, it } from "vitest";
import { FirstSettled } from "../../src/sources/first-settled.js";

describe("FirstSettled", () => {
  it("hands out results in the order their promises settle, each once", async () => {
    const queue = new FirstSettled<string>();
    let finishSlow: (v: string) => void = () => {};
    queue.add(new Promise<string>((resolve) => (finishSlow = resolve)));
    queue.add(Promise.resolve("fast"));
    expect(await queue.next()).toBe("fast");
    const waiting = queue.next();
    queue.add(Promise.resolve("second"));
    expect(await waiting).toBe("second");
    finishSlow("slow");
    expect(await queue.next()).toBe("slow");
  });

  it("keeps results that settled while nobody waited, oldest first", async () => {
    const queue = new FirstSettled<string>();
    queue.add(Promise.resolve("a"));
    queue.add(Promise.resolve("b"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect([await queue.next(), await queue.next()]).toEqual(["a", "b"]);
  });

  it("rejects as the promise that settled first did", async () => {
    const queue = new FirstSettled<number>();
    queue.add(Promise.reject(new Error("poll failed")));
    await expect(queue.next()).rejects.toThrow("poll failed");
  });
});
