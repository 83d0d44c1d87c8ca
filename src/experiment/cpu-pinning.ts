/**
 * `--pin`: the server and the load generator on disjoint CPU sets, as
 * grpc_bench runs its servers and clients, so the load generator's own
 * work does not take the server's core. The server is started under
 * `taskset -c`; this process (the load engine's threads included, and the
 * threads it starts later, which inherit it) is moved with `taskset -a -p`.
 */
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";

export interface Pinning {
  /** `taskset -c` list of the server's CPUs. */
  serverCpus: string;
  /** `taskset -c` list of the load generator's CPUs. */
  loadgenCpus: string;
}

/**
 * Splits the cores: the first half (at least one) for the server, the rest
 * for the load generator. Throws on a machine with one core, where no split
 * exists.
 */
export function planPinning(cores = availableParallelism()): Pinning {
  if (cores < 2) {
    throw new Error(
      "--pin needs at least 2 cores, to give the server and the load generator their own",
    );
  }
  const server = Math.max(1, Math.floor(cores / 2));
  const list = (from: number, to: number) => (from === to ? `${from}` : `${from}-${to}`);
  return { serverCpus: list(0, server - 1), loadgenCpus: list(server, cores - 1) };
}

/** Moves every thread of this process to `cpus`. Throws a clear error without taskset. */
export function pinThisProcess(cpus: string): void {
  try {
    execFileSync("taskset", ["-a", "-c", "-p", cpus, String(process.pid)], { stdio: "ignore" });
  } catch (error) {
    throw new Error(
      `--pin: taskset failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it is in util-linux`,
    );
  }
}
