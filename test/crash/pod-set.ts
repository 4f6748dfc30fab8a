// A deterministic stream of changing pod sets for the crash test: set `index` of stream
// `seed` is always the same YAML. Pods come and go, images change, and some carry a large
// annotation so a write takes long enough to be caught in the middle by a SIGKILL.
const POOL = 10;

/** mulberry32: a tiny seeded PRNG, so a failing round can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function podSetYaml(seed: number, index: number): string {
  const random = seededRandom(seed * 100_003 + index);
  const docs: string[] = [];
  for (let i = 0; i < POOL; i++) {
    if (random() < 0.35) continue;
    const tag = 1 + Math.floor(random() * 5);
    const padding = random() < 0.3 ? "x".repeat(8_000 + Math.floor(random() * 24_000)) : "";
    docs.push([
      "apiVersion: v1",
      "kind: Pod",
      "metadata:",
      `  name: crash-${i}`,
      "  annotations:",
      `    example.com/padding: "${padding}"`,
      "spec:",
      "  containers:",
      `  - name: main`,
      `    image: busybox:1.3${tag}`,
      `    command: ["sleep", "${index}"]`,
    ].join("\n"));
  }
  return docs.length === 0 ? "" : `${docs.join("\n---\n")}\n`;
}

/**
 * A stream for readers: `steady-0..2` are in every set (their image and size change from set
 * to set), `churn-0..2` come and go. Any read of a steady file must find one whole revision.
 */
export function steadyPodSetYaml(seed: number, index: number): string {
  const random = seededRandom(seed * 100_003 + index);
  const docs: string[] = [];
  for (const name of ["steady-0", "steady-1", "steady-2", "churn-0", "churn-1", "churn-2"]) {
    if (name.startsWith("churn") && random() < 0.5) continue;
    const padding = "x".repeat(200 + Math.floor(random() * 2_000));
    docs.push([
      "apiVersion: v1",
      "kind: Pod",
      "metadata:",
      `  name: ${name}`,
      "  annotations:",
      `    example.com/padding: "${padding}"`,
      "spec:",
      "  containers:",
      "  - name: main",
      `    image: busybox:1.${index}`,
    ].join("\n"));
  }
  return `${docs.join("\n---\n")}\n`;
}
