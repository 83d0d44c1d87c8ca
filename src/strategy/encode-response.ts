import type { ResolvedShape } from "../contract/shape.js";
import type { Source, Strategy } from "../contract/wire.js";
import type { TreeCache } from "../model/tree-cache.js";
import type { EncodeFormat } from "./clients-worker.js";
import type { EncodePool } from "./encode-pool.js";
import { encodeInSlices } from "./sliced-encoder.js";
import { treeFrom } from "./source.js";

/** The strategies whose handler receives finished bytes rather than a message to serialize. */
export type PreEncodedStrategy = Exclude<Strategy, "inline" | "stream" | "fast">;

/** What the pre-encoding strategies need, shared by the Connect service and the REST routes. */
export interface HeavyEncoders {
  /** The pool of the offload strategies. */
  pool: EncodePool;
  /** The main thread's `memory` source. */
  cache: TreeCache;
  /** The longest slice of the `slice` strategy, in ms. */
  sliceMs: number;
}

/** True for the strategies {@link encodeResponse} serves. */
export function isPreEncoded(strategy: Strategy): strategy is PreEncodedStrategy {
  return strategy !== "inline" && strategy !== "stream" && strategy !== "fast";
}

/**
 * The encoded `ListClientsResponse` of `shape` from `source`, produced the
 * way `strategy` says:
 * - `offload`: a pool thread builds and encodes it, whatever the source (the
 *   worker re-creates the data itself: the easy case, which needs no data
 *   from the main thread);
 * - `offload-clone`: the main thread takes the tree from the source (builds
 *   it, or reads the cache) and posts it to a pool thread, paying the
 *   structured clone on the event loop;
 * - `offload-replica`: a pool thread builds it (`build`) or reads its own
 *   replica of the cache (`memory`);
 * - `slice`: encoded on the event loop in slices of at most `sliceMs`.
 * `signal` stops the work (queued or running task, or between slices).
 */
export async function encodeResponse(
  strategy: PreEncodedStrategy,
  source: Source,
  shape: ResolvedShape,
  format: EncodeFormat,
  encoders: HeavyEncoders,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const { pool, cache } = encoders;
  switch (strategy) {
    case "offload":
      return pool.encode(shape, format, signal);
    case "offload-clone":
      return pool.encode(shape, format, signal, { tree: treeFrom(source, shape, cache) });
    case "offload-replica":
      return pool.encode(
        shape,
        format,
        signal,
        source === "memory" ? { replicaCacheBytes: cache.maxBytes } : {},
      );
    case "slice":
      return encodeInSlices(shape, source === "memory" ? cache.get(shape) : undefined, format, {
        sliceMs: encoders.sliceMs,
        ...(signal && { signal }),
      });
  }
}
