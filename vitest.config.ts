import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/kubectl-offline-server.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Spawned daemons and emulators are real processes: keep parallelism to the two cores.
    maxWorkers: 2,
  },
  define: { ROWER_VERSION: JSON.stringify("0.0.0-test") },
});
