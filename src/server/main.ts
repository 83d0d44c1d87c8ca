import cluster from "node:cluster";
import { CommanderError } from "commander";
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
  const { startServer } = await import("./server.js");
  const server = await startServer(config);
  console.log(`loopstall serving on ${server.url} (pid ${process.pid})`);
  // PM2's `wait_ready` waits for this before it stops the old worker on reload.
  process.send?.("ready");
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      return; // Already draining; the shutdown timeout bounds it.
    }
    signalled = true;
    console.log(`pid ${process.pid}: ${signal}, draining`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("shutdown failed:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode);
  }
  console.error(error);
  process.exit(1);
});
