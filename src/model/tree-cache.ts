import { LRUCache } from "lru-cache";
import type { ResolvedShape } from "../contract/shape.js";
import type { Client } from "../gen/bank/v1/bank_pb.js";
import { buildClients } from "./client-factory.js";
import { estimateHeapBytes } from "./tree-shape.js";

/** What a {@link TreeCache} holds right now, for metrics. */
export interface TreeCacheStats {
  /** Trees held. */
  entries: number;
  /** Their estimated heap bytes (see `estimateHeapBytes`). */
  bytes: number;
  /** The bound on `bytes`. */
  maxBytes: number;
  /** Lookups that found their tree. */
  hits: number;
  /** Lookups that built it. */
  misses: number;
}

/** The default bound of a tree cache: 256 MiB, about six default (42 MB) trees. */
export const defaultSourceCacheBytes = 256 * 2 ** 20;

/**
 * The `memory` data source: trees already in memory, as a service's cached
 * query result would be. Each distinct shape is built once, on first use, and
 * kept in an LRU cache bounded by estimated heap bytes; the least recently
 * used trees are dropped to make room. A tree larger than the whole bound is
 * built for its request and not kept. The trees are shared: callers must not
 * modify them.
 */
export class TreeCache {
  readonly maxBytes: number;
  readonly #cache: LRUCache<string, readonly Client[]>;
  #hits = 0;
  #misses = 0;

  constructor(maxBytes = defaultSourceCacheBytes) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
      throw new RangeError(`the source cache bound must be a positive integer, got ${maxBytes}`);
    }
    this.maxBytes = maxBytes;
    this.#cache = new LRUCache<string, readonly Client[]>({
      maxSize: maxBytes,
      maxEntrySize: maxBytes,
      // The size is stored with the entry; the shape is in the key.
      sizeCalculation: (_tree, key) => Math.max(1, estimateHeapBytes(shapeOfKey(key))),
    });
  }

  /** The tree of `shape`, from the cache, or built (and kept if it fits). */
  get(shape: ResolvedShape): readonly Client[] {
    const key = cacheKey(shape);
    const found = this.#cache.get(key);
    if (found !== undefined) {
      this.#hits++;
      return found;
    }
    this.#misses++;
    const tree = buildClients(shape);
    this.#cache.set(key, tree);
    return tree;
  }

  stats(): TreeCacheStats {
    return {
      entries: this.#cache.size,
      bytes: this.#cache.calculatedSize,
      maxBytes: this.maxBytes,
      hits: this.#hits,
      misses: this.#misses,
    };
  }
}

function cacheKey(shape: ResolvedShape): string {
  return `${shape.count}/${shape.accountsPerClient}/${shape.filledStrings}`;
}

function shapeOfKey(key: string): ResolvedShape {
  const [count = 0, accountsPerClient = 0, filledStrings = 0] = key.split("/").map(Number);
  return { count, accountsPerClient, filledStrings };
}
