/**
 * What `loadtest/concurrency.ts` writes to RESULT_OUT from its
 * handleSummary (built by loadtest/lib/cell-result.ts), defined once as a
 * valibot schema: the k6 side takes its type (a type-only import, which k6
 * strips), the runner validates every result with it, and its JSON Schema is
 * in docs/k6-cell-result.schema.json.
 */
import * as v from "valibot";

const finite = v.pipe(v.number(), v.finite());
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));

/** Probe numbers for one phase (the engine's PhaseStats). */
export const k6PhaseStatsSchema = v.object({
  completed: nonNegative,
  rps: nonNegative,
  p50Ms: nonNegative,
  p99Ms: nonNegative,
  maxMs: nonNegative,
});

export const k6CellResultSchema = v.object({
  kind: v.literal("loopstall-k6-result"),
  version: v.literal(1),
  format: v.pipe(v.string(), v.maxLength(100)),
  strategy: v.pipe(v.string(), v.maxLength(100)),
  startedAt: v.pipe(finite, v.description("epoch ms of setup()'s start")),
  endedAt: v.pipe(finite, v.description("startedAt plus k6's test run duration, epoch ms")),
  timeline: v.pipe(
    v.array(v.object({ t: finite, epoch: nonNegative, probe: nonNegative, heavy: nonNegative })),
    v.maxLength(86_400 * 3),
  ),
  phases: v.pipe(
    v.object({ heavyStart: finite, heavyEnd: finite }),
    v.description(
      "seconds on the timeline's t axis at which the heavy scenario was planned to start and stop",
    ),
  ),
  probe: v.object({
    baseline: k6PhaseStatsSchema,
    heavy: k6PhaseStatsSchema,
    recovery: k6PhaseStatsSchema,
    errors: nonNegative,
  }),
  heavy: v.object({
    completed: nonNegative,
    errors: nonNegative,
    cancelled: nonNegative,
    responseBytes: v.pipe(nonNegative, v.description("mean size of a successful response, bytes")),
    totalBytes: nonNegative,
    rps: nonNegative,
    mbPerS: nonNegative,
  }),
  workerSpread: v.pipe(
    v.record(v.string(), nonNegative),
    v.description("always {}: k6 cannot tally x-worker pids it does not know in advance"),
  ),
  errorSamples: v.pipe(v.array(v.pipe(v.string(), v.maxLength(1_000))), v.maxLength(100)),
});

export type K6PhaseStats = v.InferOutput<typeof k6PhaseStatsSchema>;
export type K6CellResult = v.InferOutput<typeof k6CellResultSchema>;
