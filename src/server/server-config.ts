import { defaultShapeLimits, type ShapeLimits } from "../contract/shape.js";
import type { Source, Strategy } from "../contract/wire.js";
import { type AdmissionOptions, defaultAdmissionOptions } from "../http/admission.js";
import { defaultSourceCacheBytes } from "../model/tree-cache.js";
import { defaultEncodePoolOptions } from "../strategy/pool-options.js";
import { defaultSliceMs } from "../strategy/sliced-encoder.js";

/** Everything a server process is started with. */
export interface ServerConfig extends AdmissionOptions {
  /** Interface to bind. Default 127.0.0.1 (`HOST`, `--host`). */
  host: string;
  /** Port to bind; 0 picks a free one. Default 8080 (`PORT`, `--port`). */
  port: number;
  /** Caps on the request knobs. */
  limits: ShapeLimits;
  /** Largest request body, after decompression. Default 1 MiB. */
  readMaxBytes: number;
  /** Largest response message. Default 256 MiB. */
  writeMaxBytes: number;
  /** Largest deadline a client may ask for. Default 120,000 ms. */
  maxTimeoutMs: number;
  /**
   * How long a graceful shutdown waits for in-flight requests before it
   * closes the remaining connections. Default 10,000 ms.
   */
  shutdownTimeoutMs: number;
  /**
   * How a request that names no strategy in its `loopstall-strategy` header
   * (or REST `?strategy=`) serializes the heavy response: `inline`,
   * `offload` or `stream`. Default `inline` (`STRATEGY`, `--strategy`).
   */
  strategy: Strategy;
  /**
   * Where the tree of a request that names no source in its
   * `loopstall-source` header (or REST `?source=`) comes from: `build` (per
   * request) or `memory` (built once per shape, kept in an LRU cache).
   * Default `build` (`SOURCE`, `--source`).
   */
  source: Source;
  /**
   * The bound of the `memory` source's cache, in estimated heap bytes; each
   * `offload-replica` thread keeps a copy with the same bound. Default 256 MiB
   * (`SOURCE_CACHE_BYTES`, `--source-cache-bytes`).
   */
  sourceCacheBytes: number;
  /**
   * The longest slice of main-thread work of the `slice` strategy, in ms.
   * Default 4 (`SLICE_MS`, `--slice-ms`).
   */
  sliceMs: number;
  /** Threads of the offload pool. Default: available cores, at least 1 (`POOL_SIZE`, `--pool-size`). */
  poolSize: number;
  /**
   * Offload tasks that may wait for a thread; more answer `resource_exhausted`.
   * Default 16 (`POOL_MAX_QUEUE`, `--pool-max-queue`).
   */
  poolMaxQueue: number;
  /**
   * Worker processes sharing the port (node:cluster), restarted when they
   * crash. `--workers max` means one per available core. Default 1, which
   * runs one plain process without node:cluster (`WORKERS`, `--workers`).
   */
  workers: number;
  /**
   * An HTTP/1.1 client must send its request headers within this long
   * (slowloris). Default 10,000 ms (`--headers-timeout-ms`, `HEADERS_TIMEOUT_MS`).
   */
  headersTimeoutMs: number;
  /**
   * An HTTP/1.1 client must send its whole request within this long.
   * Default 30,000 ms (`--request-timeout-ms`, `REQUEST_TIMEOUT_MS`).
   */
  requestTimeoutMs: number;
}

export const defaultServerConfig: ServerConfig = {
  host: "127.0.0.1",
  port: 8080,
  limits: defaultShapeLimits,
  readMaxBytes: 1024 * 1024,
  writeMaxBytes: 256 * 1024 * 1024,
  maxTimeoutMs: 120_000,
  shutdownTimeoutMs: 10_000,
  strategy: "inline",
  source: "build",
  sourceCacheBytes: defaultSourceCacheBytes,
  sliceMs: defaultSliceMs,
  poolSize: defaultEncodePoolOptions.size,
  poolMaxQueue: defaultEncodePoolOptions.maxQueue,
  workers: 1,
  ...defaultAdmissionOptions,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};
