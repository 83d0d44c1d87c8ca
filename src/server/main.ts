import cluster from "node:cluster";
import { CommanderError } from "commander";
import { clusterMetricsEnv } from "../metrics/cluster-metrics.js";
import {
  type ConfigErrorMessage,
  configErrorExitCode,
  describeListenError,
} from "./listen-error.js";
import type { RunningServer } from "./server.js";
import { parseServerArgs } from "./server-cli.js";

async function main(): Promise<void> {
  const config = parseServerArgs(process.argv.slice(2));
  // Each role loads only its own code: a primary that only forks would
  // otherwise spend its start loading the whole server before the workers do.
  if (config.workers > 1 && cluster.isPrimary) {
    const { runClusterPrimary } = await import("../cluster/cluster-primary.js");
    process.exit(
      await runClusterPrimary({
        workers: config.workers,
        shutdownTimeoutMs: config.shutdownTimeoutMs,
      }),
    );
  }
  // Signal handlers go in before the server starts: a SIGTERM or SIGINT
  // that arrives while it is starting (a reload, a launcher shutdown) must
  // drain it once it serves, not kill it with connections already handed to it.
  let server: RunningServer | undefined;
  let signalled: NodeJS.Signals | undefined;
  // Said only by a process that serves: one stopped before it could (the
  // primary stopping the rest after a configuration error) stays quiet.
  const drain = (running: RunningServer, signal: NodeJS.Signals) => {
    console.log(`pid ${process.pid}: ${signal}, draining`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("shutdown failed:", error);
        process.exit(1);
      },
    );
  };
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled !== undefined) {
      return; // Already draining; the shutdown timeout bounds it.
    }
    signalled = signal;
    if (server !== undefined) {
      drain(server, signal);
    }
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  const { startServer } = await import("./server.js");
  try {
    server = await startServer(config);
  } catch (error) {
    const line = describeListenError(error, config.host, config.port);
    if (line === undefined) {
      throw error;
    }
    failFast(line);
    return;
  }
  console.log(`loopstall serving on ${server.url} (pid ${process.pid})`);
  // PM2's `wait_ready` waits for this before it stops the old worker on reload.
  process.send?.("ready");
  if (signalled !== undefined) {
    drain(server, signalled);
  }
}

/**
 * Exits at once with the configuration-error code. A worker of loopstall's
 * own cluster primary leaves the line to it, which prints it once for all
 * workers; anything else (one process, a PM2 worker) prints it itself.
 */
function failFast(line: string): void {
  if (cluster.isWorker && process.env[clusterMetricsEnv] === "1" && process.send) {
    const message: ConfigErrorMessage = { type: "loopstall:config-error", message: line };
    process.send(message, undefined, {}, () => process.exit(configErrorExitCode));
    return;
  }
  console.error(`loopstall: ${line}`);
  process.exit(configErrorExitCode);
}

main().catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode);
  }
  console.error(error);
  process.exit(1);
});
