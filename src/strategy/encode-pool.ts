import { Code, ConnectError } from "@connectrpc/connect";
import { Piscina } from "piscina";
import type { ResolvedShape } from "../contract/shape.js";
import { entryBeside } from "../runtime/entry.js";
import type { EncodeFormat, EncodeTask } from "./clients-worker.js";

/** Where a pool thread gets the tree from (see `EncodeTask`); default: it builds it. */
export type EncodeInput = Pick<EncodeTask, "tree" | "replicaCacheBytes">;

import { defaultEncodePoolOptions, type EncodePoolOptions } from "./pool-options.js";

/** The pool's thread entry, compiled or source like this module. */
const workerUrl = entryBeside(import.meta.url, "./clients-worker");

/**
 * A bounded worker_threads pool that builds and encodes whole
 * `ListClientsResponse`s. The threads start on first use (or on `warm()`),
 * so a server that never offloads pays nothing.
 */
export class EncodePool {
  readonly options: EncodePoolOptions;
  #pool: Piscina<EncodeTask, Uint8Array> | undefined;
  #inFlight = 0;
  #destroyed = false;

  constructor(options: Partial<EncodePoolOptions> = {}) {
    this.options = { ...defaultEncodePoolOptions, ...options };
    if (!Number.isInteger(this.options.size) || this.options.size < 1) {
      throw new RangeError(`pool size must be an integer of at least 1, got ${this.options.size}`);
    }
    if (!Number.isInteger(this.options.maxQueue) || this.options.maxQueue < 0) {
      throw new RangeError(
        `pool queue must be a non-negative integer, got ${this.options.maxQueue}`,
      );
    }
  }

  /** Tasks running or queued right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Starts the threads now rather than on the first task. */
  warm(): void {
    this.#getPool();
  }

  /**
   * Builds and encodes the tree of `shape` in a worker. Rejects with
   * `resource_exhausted` when the pool and its queue are full, and stops the
   * task (queued or running) when `signal` aborts, rejecting with the
   * signal's reason if that is a `ConnectError`, else `canceled`. A `tree`
   * in `input` is structured-cloned into the task on this thread.
   */
  async encode(
    shape: ResolvedShape,
    format: EncodeFormat,
    signal?: AbortSignal,
    input: EncodeInput = {},
  ): Promise<Uint8Array<ArrayBuffer>> {
    const { size, maxQueue } = this.options;
    if (this.#inFlight >= size + maxQueue) {
      throw new ConnectError(
        `the offload pool is full: ${size} running and ${maxQueue} queued (--pool-size, --pool-max-queue)`,
        Code.ResourceExhausted,
      );
    }
    const pool = this.#getPool();
    this.#inFlight++;
    try {
      const bytes = await pool.run({ shape, format, ...input }, { signal: signal ?? null });
      return bytes as Uint8Array<ArrayBuffer>;
    } catch (error) {
      if (signal?.aborted) {
        throw signal.reason instanceof ConnectError
          ? signal.reason
          : new ConnectError("the request was cancelled", Code.Canceled);
      }
      if (this.#destroyed) {
        throw new ConnectError("the server is shutting down", Code.Unavailable);
      }
      throw new ConnectError(
        "offloaded encoding failed",
        Code.Internal,
        undefined,
        undefined,
        error,
      );
    } finally {
      this.#inFlight--;
    }
  }

  /** Stops the threads; tasks still in flight fail with `unavailable`. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }

  #getPool(): Piscina<EncodeTask, Uint8Array> {
    if (this.#destroyed) {
      throw new ConnectError("the server is shutting down", Code.Unavailable);
    }
    this.#pool ??= new Piscina<EncodeTask, Uint8Array>({
      filename: workerUrl.href,
      minThreads: this.options.size,
      maxThreads: this.options.size,
      // The admission check above is the real bound; this is a backstop.
      maxQueue: this.options.maxQueue + this.options.size,
    });
    return this.#pool;
  }
}
