// The node flags the image's entrypoint and the node-flavour units launch rower with.
// bench/daemon.bench.ts launches the daemon the same way; test/deploy checks both launchers.
export const DAEMON_NODE_FLAGS = ["--max-semi-space-size=1"];
