// `rower run`: configuration, logger, signals, exit codes around startDaemon/runDaemonOnce.
import { writeEscaped } from "../output/escape-control.js";
import { loadConfig } from "../config/load-config.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from "./exit-codes.js";
import type { RunContext } from "./run.js";
import { createLogger } from "../daemon/logger.js";
import { runDaemonOnce, startDaemon } from "../daemon/start-daemon.js";
import { SUCCESSFUL_VERDICTS } from "../daemon/sync-verdict.js";

export interface RunFlags extends Record<string, unknown> {
  once?: boolean;
}

/** Past this, something holds the event loop open after a clean stop; exit anyway. */
const EXIT_GRACE_MS = 2_000;

export async function runCommand(flags: RunFlags, context: RunContext): Promise<number> {
  const loaded = loadConfig(flags);
  if (!loaded.ok) {
    writeEscaped(process.stderr, `rower run: ${loaded.message}\n`);
    return EXIT_USAGE;
  }
  const { config } = loaded;
  const log = createLogger({ format: config.logFormat });
  const options = { log, workerEntry: context.workerEntry };

  if (flags.once) {
    const result = await runDaemonOnce(config, options);
    if (!result.ok) {
      log.error("daemon.refused", { message: result.message });
      return EXIT_INVALID;
    }
    log.info("run.once", { verdict: result.verdict });
    return SUCCESSFUL_VERDICTS.has(result.verdict) ? EXIT_OK : EXIT_INVALID;
  }

  const started = await startDaemon(config, options);
  if (!started.ok) {
    log.error("daemon.refused", { message: started.message });
    return EXIT_INVALID;
  }
  const { daemon } = started;
  const stop = (signal: NodeJS.Signals): void => {
    log.info("daemon.signal", { signal });
    void daemon.stop();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("SIGHUP", () => daemon.reload());
  await daemon.done;
  setTimeout(() => process.exit(process.exitCode ?? EXIT_OK), EXIT_GRACE_MS).unref();
  // Another rower took the directory: exit non-zero, so systemd sees it.
  return daemon.lockLost() ? EXIT_INVALID : EXIT_OK;
}
