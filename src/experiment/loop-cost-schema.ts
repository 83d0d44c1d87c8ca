/**
 * The parts of the summary schema that say what a cell's strategy cost the
 * server's event loop, and where its data came from (see summary-schema.ts).
 */
import * as v from "valibot";
import { sources } from "../contract/wire.js";

const finite = v.pipe(v.number(), v.finite());

const statSchema = v.pipe(
  v.object({ median: finite, min: finite, max: finite }),
  v.check((s) => s.min <= s.median && s.median <= s.max, "must have min <= median <= max"),
  v.description("median with the min and max over a cell's repeats"),
);

/** A cell's data source; absent in summaries written before sources existed (they all built). */
export const cellSourceSchema = v.optional(
  v.pipe(
    v.picklist(sources),
    v.description(
      "where the heavy response's tree came from: build (per request) or memory (the main thread's LRU cache); absent means build",
    ),
  ),
);

/** A cell's event-loop cost per heavy response; absent in older summaries. */
export const loopCostSchema = v.optional(
  v.pipe(
    v.object({
      mainThreadMsPerHeavy: v.pipe(
        v.nullable(statSchema),
        v.description(
          "main-thread busy ms per heavy response in the heavy phase: the servers' main-thread busy time in that phase (see busyMeasure), less the light requests' share (the baseline phase's busy time per light request times the light requests answered in the heavy phase), divided by the heavy responses the servers completed in it; summed over workers; null without /metrics or with no heavy response",
        ),
      ),
      longestBlockMs: v.pipe(
        v.nullable(statSchema),
        v.description(
          "the longest single event-loop block during the heavy phase, worst worker, as the upper bound of the highest block-histogram bucket that grew (1 ms buckets to 20 ms; the sampler sees a block to within 2 ms)",
        ),
      ),
      busyMeasure: v.pipe(
        v.picklist(["cpu", "elu"]),
        v.description(
          "what mainThreadMsPerHeavy counts: cpu, the main thread's CPU time (Linux /proc, 10 ms ticks), which does not grow while the process waits for a core on a shared machine; or elu, event-loop active time, which does",
        ),
      ),
      sourceCacheBytes: v.pipe(
        v.nullable(statSchema),
        v.description(
          "estimated heap bytes held by the memory source's caches at the end of the heavy phase, summed over workers and copies (main thread plus one replica per pool thread for offload-replica)",
        ),
      ),
    }),
    v.description("what the strategy cost the server's event loop"),
  ),
);

/** The matrix's sources; absent in older summaries. */
export const matrixSourcesSchema = v.optional(
  v.pipe(v.array(v.picklist(sources)), v.maxLength(sources.length)),
);
