/**
 * The experiment summary (`summary.json`), defined once as a valibot schema:
 * the runner produces it, the report writer renders it, and the schema gives
 * the TypeScript types, the validator ({@link validateSummary}) and the JSON
 * Schema in docs/summary.schema.json (`npm run generate`).
 */
import * as v from "valibot";
import { formats, strategies } from "../contract/wire.js";
import { cellSourceSchema, loopCostSchema, matrixSourcesSchema } from "./loop-cost-schema.js";
import {
  cellMeasureEntries,
  settingsMeasureEntries,
  warmupEntry,
  warmupStartEntry,
} from "./measure-schema.js";

/** Upper bounds that keep a hostile or corrupt summary from making the report writer do unbounded work. */
export const summaryLimits = {
  /** cells in one summary */
  maxCells: 10_000,
  /** points in one cell's timeline (a day of seconds) */
  maxTimelinePoints: 86_400,
  /** worker pids in one cell's spread */
  maxWorkers: 1_024,
  /** characters in any string field */
  maxStringLength: 1_000,
  /** bytes of a summary.json that {@link readSummary} will read */
  maxFileBytes: 256 * 1024 * 1024,
} as const;

const finite = v.pipe(v.number(), v.finite());
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const positiveCount = v.pipe(v.number(), v.integer(), v.minValue(1));
const text = v.pipe(v.string(), v.maxLength(summaryLimits.maxStringLength));
const isoDate = v.pipe(
  text,
  v.check(
    (s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)),
    "must be an ISO 8601 date-time",
  ),
  v.description("ISO 8601 date-time"),
);

const statSchema = v.pipe(
  v.object({ median: finite, min: finite, max: finite }),
  v.check((s) => s.min <= s.median && s.median <= s.max, "must have min <= median <= max"),
  v.description("median with the min and max over a cell's repeats"),
);

const timelinePointSchema = v.pipe(
  v.object({
    t: v.pipe(finite, v.description("seconds since the run started")),
    epoch: v.pipe(nonNegative, v.description("unix second")),
    probe: v.pipe(nonNegative, v.description("probe completions in that second")),
    heavy: v.pipe(nonNegative, v.description("heavy completions in that second")),
  }),
  v.description("one second of the timeline"),
);

const cellSchema = v.object({
  format: v.picklist(formats),
  workers: positiveCount,
  strategy: v.picklist(strategies),
  source: cellSourceSchema,
  repeats: positiveCount,
  probe: v.object({
    baselineRps: v.pipe(nonNegative, v.description("probe completions/s before heavy load")),
    duringRps: v.pipe(nonNegative, v.description("probe completions/s during heavy load")),
    retention: v.pipe(nonNegative, v.description("duringRps / baselineRps; median over repeats")),
    p50BaselineMs: nonNegative,
    p50DuringMs: nonNegative,
    p99BaselineMs: nonNegative,
    p99DuringMs: nonNegative,
    errors: v.pipe(count, v.description("failed or timed-out probe calls, summed over repeats")),
    stats: v.object({
      baselineRps: statSchema,
      duringRps: statSchema,
      retention: statSchema,
      p50DuringMs: statSchema,
      p99BaselineMs: statSchema,
      p99DuringMs: statSchema,
    }),
  }),
  heavy: v.object({
    rps: nonNegative,
    mbPerS: nonNegative,
    bytes: v.pipe(count, v.description("one response's size")),
    completed: count,
    errors: count,
    stats: v.object({ rps: statSchema, mbPerS: statSchema }),
  }),
  workerSpread: v.pipe(
    v.record(text, count),
    v.check(
      (spread) => Object.keys(spread).length <= summaryLimits.maxWorkers,
      `must have at most ${summaryLimits.maxWorkers} keys`,
    ),
    v.description("requests served per worker pid, probe and heavy together, summed over repeats"),
  ),
  server: v.object({
    eventLoopDelayP99Ms: v.nullable(statSchema),
    eventLoopDelayMaxMs: v.nullable(statSchema),
  }),
  loopCost: loopCostSchema,
  loadgen: v.object({
    cpuPercent: v.pipe(
      statSchema,
      v.description("load generator CPU time ÷ wall time, 100 = one core"),
    ),
  }),
  timeline: v.pipe(
    v.array(timelinePointSchema),
    v.maxLength(summaryLimits.maxTimelinePoints),
    v.description("the per-second timeline of the repeat whose retention is the median"),
  ),
  phases: v.pipe(
    v.object({ heavyStart: finite, heavyEnd: finite, ...warmupStartEntry }),
    v.forward(
      v.check((p) => p.heavyEnd >= p.heavyStart, "must be >= heavyStart"),
      ["heavyEnd"],
    ),
    v.description("seconds since start at which heavy load started and stopped, in that repeat"),
  ),
  ...cellMeasureEntries,
});

export const experimentSummarySchema = v.object({
  schemaVersion: v.literal(1),
  startedAt: isoDate,
  finishedAt: isoDate,
  environment: v.object({
    node: text,
    platform: text,
    arch: text,
    cpus: positiveCount,
    cpuModel: text,
    availableParallelism: positiveCount,
    loopstallVersion: text,
  }),
  settings: v.object({
    engine: v.picklist(["embedded", "k6"]),
    launcher: v.picklist(["cluster", "pm2"]),
    repeats: positiveCount,
    quick: v.boolean(),
    probe: v.object({
      mode: v.picklist(["closed", "open"]),
      connections: positiveCount,
      rate: v.nullable(nonNegative),
      timeoutMs: nonNegative,
    }),
    heavy: v.object({
      concurrency: count,
      connections: count,
      shape: v.object({ count, accountsPerClient: count, filledStrings: count }),
    }),
    phases: v.object({
      baselineS: nonNegative,
      heavyS: nonNegative,
      recoveryS: nonNegative,
      ...warmupEntry,
    }),
    matrix: v.object({
      formats: v.pipe(v.array(v.picklist(formats)), v.maxLength(formats.length)),
      workers: v.pipe(v.array(positiveCount), v.maxLength(summaryLimits.maxWorkers)),
      strategies: v.pipe(v.array(v.picklist(strategies)), v.maxLength(strategies.length)),
      sources: matrixSourcesSchema,
    }),
    ...settingsMeasureEntries,
  }),
  cells: v.pipe(v.array(cellSchema), v.maxLength(summaryLimits.maxCells)),
});

export type Stat = v.InferOutput<typeof statSchema>;
export type CellSummary = v.InferOutput<typeof cellSchema>;
export type ExperimentSummary = v.InferOutput<typeof experimentSummarySchema>;
