/**
 * The offload pool's bounds and their defaults, apart from the pool itself so
 * that reading the server's flags loads no worker-thread code.
 */
import { availableCores } from "../runtime/cores.js";

/** Bounds of the offload pool. */
export interface EncodePoolOptions {
  /**
   * Worker threads. Default: the available cores less one per worker
   * process, at least 1, so each event loop keeps a core (`--pool-size`).
   */
  size: number;
  /**
   * Tasks that may wait for a free thread. A task beyond `size + maxQueue`
   * in flight is refused with `resource_exhausted` instead of growing
   * memory. Default 16 (`--pool-max-queue`).
   */
  maxQueue: number;
}

export const defaultEncodePoolOptions: EncodePoolOptions = {
  size: defaultPoolSize(1),
  maxQueue: 16,
};

/** The default pool size when `workers` processes share the machine's cores. */
export function defaultPoolSize(workers: number): number {
  return Math.max(1, Math.floor(availableCores() / workers) - 1);
}
