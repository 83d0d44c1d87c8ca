import cluster, { type Worker } from "node:cluster";
import { clusterMetricsEnv, createClusterMetricsPrimary } from "../metrics/cluster-metrics.js";
import { configErrorExitCode, isConfigErrorMessage } from "../server/listen-error.js";
import { RestartPolicy, type RestartPolicyOptions } from "./restart-policy.js";

/** Options of {@link runClusterPrimary}. */
export interface ClusterPrimaryOptions {
  /** Worker processes to keep running. */
  workers: number;
  /**
   * Each worker's own graceful-shutdown bound (`--shutdown-timeout-ms`); the
   * primary waits this plus 5 s for all workers to exit before it kills them.
   */
  shutdownTimeoutMs: number;
  /** Backoff and crash-loop limits. Default: see {@link RestartPolicy}. */
  restart?: RestartPolicyOptions;
  /** The script each worker runs. Default: this process's entry point, with its arguments. */
  exec?: string;
  /** Arguments of `exec`. Default: this process's arguments. */
  args?: string[];
  /** Where log lines go. Default `console.log`. */
  log?: (line: string) => void;
  /** Where a configuration error's one line goes. Default `console.error`. */
  logError?: (line: string) => void;
}

/**
 * Runs this process as the node:cluster primary: forks `workers` copies of the
 * current entry point (same argv and execArgv, so `tsx` carries over), which
 * share the listening port. Note that node:cluster balances connections, not
 * requests: one HTTP/2 connection stays on one worker.
 *
 * - A worker that exits with {@link configErrorExitCode} (it could not listen:
 *   busy port, unknown address, no permission) is not restarted: the primary
 *   prints the worker's one line, stops the other workers and resolves with
 *   that code.
 * - A worker that exits on its own is restarted after a backoff; a slot that
 *   crashes more than 5 times in 30 s is given up, and when no worker remains
 *   the primary resolves with exit code 1.
 * - SIGINT/SIGTERM are forwarded to every worker, which drains gracefully;
 *   the primary resolves with 0 once all have exited with 0, or with 1 if one
 *   failed or they did not finish within the bound (then they are killed).
 * - Answers the workers' requests for cluster-wide `/metrics`.
 *
 * Resolves with the exit code the process should exit with.
 */
export function runClusterPrimary(options: ClusterPrimaryOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.logError ?? ((line: string) => console.error(line));
  const policy = new RestartPolicy(options.restart);
  const slots = new Map<Worker, number>();
  const serving = new Map<number, number>(); // slot → pid, once listening
  const pendingRestarts = new Set<NodeJS.Timeout>();
  let announced = false;
  let shuttingDown = false;
  let failedDuringShutdown = false;
  let configError: string | undefined;
  const configErrors = new Map<Worker, string>();
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });

  cluster.on(
    "message",
    createClusterMetricsPrimary(() => [...slots.keys()]),
  );
  cluster.on("message", (worker, message: unknown) => {
    if (isConfigErrorMessage(message)) {
      configErrors.set(worker, message.message);
    }
  });

  if (options.exec !== undefined) {
    cluster.setupPrimary({ exec: options.exec, args: options.args ?? [] });
  }

  const fork = (slot: number) => {
    const worker = cluster.fork({ [clusterMetricsEnv]: "1" });
    slots.set(worker, slot);
    worker.once("listening", (address) => {
      const pid = worker.process.pid ?? 0;
      serving.set(slot, pid);
      const host = String(address.address ?? "127.0.0.1");
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
      if (!announced && serving.size === options.workers) {
        announced = true;
        const pids = [...serving.values()].join(", ");
        log(`loopstall primary ${process.pid}: workers ${pids} serving on ${url}`);
      } else if (announced) {
        log(`loopstall primary ${process.pid}: worker ${pid} (slot ${slot}) serving on ${url}`);
      }
    });
  };

  cluster.on("exit", (worker, code, signal) => {
    const slot = slots.get(worker);
    slots.delete(worker);
    if (slot === undefined) {
      return;
    }
    serving.delete(slot);
    const pid = worker.process.pid;
    if (code === configErrorExitCode && configError === undefined) {
      configError =
        configErrors.get(worker) ?? `worker ${pid} could not listen (exit code ${code})`;
      logError(`loopstall: ${configError}`);
      stop("SIGTERM");
    }
    configErrors.delete(worker);
    if (shuttingDown) {
      failedDuringShutdown ||= code !== 0;
      if (slots.size === 0) {
        resolveExit(configError !== undefined ? configErrorExitCode : failedDuringShutdown ? 1 : 0);
      }
      return;
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const decision = policy.crashed(slot);
    if (decision.restart) {
      log(
        `loopstall primary ${process.pid}: worker ${pid} (slot ${slot}) exited with ${how}; restarting in ${decision.delayMs} ms`,
      );
      const timer = setTimeout(() => {
        pendingRestarts.delete(timer);
        fork(slot);
      }, decision.delayMs);
      pendingRestarts.add(timer);
      return;
    }
    log(
      `loopstall primary ${process.pid}: worker ${pid} (slot ${slot}) exited with ${how}; ${decision.crashes} crashes in a row, giving up on slot ${slot}`,
    );
    if (slots.size === 0 && pendingRestarts.size === 0) {
      log(`loopstall primary ${process.pid}: no workers remain, exiting`);
      resolveExit(1);
    }
  });

  /** Stops every worker with `signal`; resolves once they have all exited. */
  function stop(signal: NodeJS.Signals): void {
    if (shuttingDown) {
      return; // Already draining; the bound below ends it.
    }
    shuttingDown = true;
    for (const timer of pendingRestarts) {
      clearTimeout(timer);
    }
    pendingRestarts.clear();
    if (slots.size === 0) {
      resolveExit(configError !== undefined ? configErrorExitCode : 0);
      return;
    }
    for (const worker of slots.keys()) {
      worker.process.kill(signal);
    }
    const bound = setTimeout(() => {
      log(`loopstall primary ${process.pid}: workers still running after the bound; killing them`);
      for (const worker of slots.keys()) {
        worker.process.kill("SIGKILL");
      }
      resolveExit(1);
    }, options.shutdownTimeoutMs + 5_000);
    bound.unref();
  }
  const shutdown = (signal: NodeJS.Signals) => {
    if (!shuttingDown) {
      log(`loopstall primary ${process.pid}: ${signal}, draining ${slots.size} workers`);
    }
    stop(signal);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  for (let slot = 0; slot < options.workers; slot++) {
    fork(slot);
  }
  return exited;
}
