import { Gauge, type Registry } from "prom-client";

/** One cache of the `memory` source, as {@link registerSourceMetrics} reads it. */
export interface SourceCacheReading {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
}

/** Where {@link registerSourceMetrics} reads the caches from at each scrape. */
export interface SourceCaches {
  /** The main thread's cache. */
  main(): SourceCacheReading;
  /** Each pool thread's replica (`offload-replica`), as last reported. */
  replicas(): Array<SourceCacheReading & { threadId: number }>;
}

/**
 * Exposes the `memory` source's caches, labelled `copy="main"` or
 * `copy="replica-<threadId>"`: trees held, their estimated heap bytes, the
 * bound, and lookups that hit or built. `offload-replica` keeps one copy per
 * pool thread, so its memory cost is the sum over the copies
 * (`loopstall_source_cache_bytes`, summed).
 */
export function registerSourceMetrics(registry: Registry, caches: SourceCaches): void {
  const readings = () => [
    { copy: "main", ...caches.main() },
    ...caches.replicas().map((r) => ({ ...r, copy: `replica-${r.threadId}` })),
  ];
  const series: Array<[string, string, (r: SourceCacheReading) => number]> = [
    [
      "loopstall_source_cache_entries",
      "Trees held by the memory source's cache.",
      (r) => r.entries,
    ],
    [
      "loopstall_source_cache_bytes",
      "Estimated heap bytes of the trees the memory source's cache holds.",
      (r) => r.bytes,
    ],
    [
      "loopstall_source_cache_max_bytes",
      "The bound of the memory source's cache (--source-cache-bytes).",
      (r) => r.maxBytes,
    ],
    ["loopstall_source_cache_hits", "Lookups that found their tree.", (r) => r.hits],
    ["loopstall_source_cache_misses", "Lookups that built their tree.", (r) => r.misses],
  ];
  for (const [name, help, read] of series) {
    new Gauge({
      name,
      help,
      labelNames: ["copy"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const reading of readings()) {
          this.set({ copy: reading.copy }, read(reading));
        }
      },
    });
  }
}
