// prom-client is CommonJS. Split into a chunk of its own, esbuild gives such a package a
// default export only, so `await import("prom-client")` would lose the named exports in the
// built CLI: this ES module re-exports them, and is what the daemon imports lazily.
export { Counter, Gauge, Histogram, Registry } from "prom-client";
