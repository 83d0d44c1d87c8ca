/**
 * The machine-readable result of one `concurrency.ts` run (RESULT_OUT):
 * what the experiment's k6 engine (src/experiment/k6-engine.ts) needs to
 * fill one repeat of a cell. It has the shape of the embedded engine's
 * LoadResult (src/load/load-run.ts) minus `loadgenCpuPercent`, which the
 * engine measures from outside k6.
 *
 * handleSummary sees aggregates only, so each phase gets its own metrics,
 * picked by the time elapsed since setup()'s start: a probe call's latency
 * goes to the Trend of the phase it started in (failures included, as in
 * the embedded engine), a successful call counts in the Counter of the
 * phase it completed in. Percentiles come from `summaryTrendStats`.
 *
 * Heavy calls still running when the heavy phase ends are cut there: the
 * scenario's gracefulStop is 0 (src/contract/run-limits.ts), as the embedded engine
 * cancels them. A cut call may end in an error (counted by
 * {@link heavyOutcome} as cancelled, not as an error) or, when k6 stops
 * the iteration, not at all; `cancelled` counts both: the calls started
 * (`heavy_started`) that ended neither ok nor in an error.
 *
 * What k6 cannot give: the spread over server workers (a Counter per
 * `x-worker` pid would have to exist before the run, in the init context),
 * so `workerSpread` is `{}`. Plain module, no k6 or Node APIs.
 */

import { type Phase, phaseAt } from "../../src/contract/phases.ts";
import type { K6CellResult, K6PhaseStats } from "../../src/experiment/k6-cell-schema.ts";
import type { K6SummaryData, SummaryMetric } from "./k6-summary.ts";
import { timelineFromMetrics } from "./timeline.ts";

/** Trend (ms) of probe latencies, by the phase the call started in. */
export function probeDurationMetric(phase: Phase): string {
  return `probe_duration_${phase}`;
}

/** Counter of successful probe calls, by the phase the call completed in. */
export function probeOkMetric(phase: Phase): string {
  return `probe_ok_${phase}`;
}

/** Counters the script keeps besides the per-phase ones and the timeline. */
export const resultMetrics = {
  probeErrors: "probe_errors",
  heavyErrors: "heavy_errors",
  heavyOk: "heavy_ok",
  /** Heavy calls started (added before each call). */
  heavyStarted: "heavy_started",
  /** Heavy calls that failed once the heavy phase had ended: cut by its end. */
  heavyCancelled: "heavy_cancelled",
  /** Body bytes of successful heavy responses, from Content-Length where the server sends it. */
  heavyBytes: "heavy_bytes",
  /**
   * Bytes k6 received in the heavy scenario (headers and framing included);
   * the fallback when no heavy response had a Content-Length (gRPC, streams).
   * A submetric: the script's threshold on it makes k6 keep it.
   */
  heavyDataReceived: "data_received{scenario:heavy}",
} as const;

/** The Trend statistics the result reads; the script sets them as `summaryTrendStats`. */
export const resultTrendStats: string[] = ["avg", "min", "med", "max", "p(50)", "p(99)", "count"];

/**
 * How a heavy call that ended at `nowMs` counts: a failure after the heavy
 * phase's planned end is a call cut by that end (k6 interrupts it, the
 * gracefulStop being 0), so `cancelled`, as the embedded engine counts its
 * cancelled calls; any other failure is an error.
 */
export function heavyOutcome(
  ok: boolean,
  startMs: number,
  nowMs: number,
  baselineS: number,
  heavyS: number,
): "ok" | "error" | "cancelled" {
  if (ok) {
    return "ok";
  }
  return phaseAt(startMs, nowMs, baselineS, heavyS) === "recovery" ? "cancelled" : "error";
}

export interface CellResultSettings {
  format: string;
  strategy: string;
  baselineS: number;
  heavyS: number;
  recoveryS: number;
  /** Seconds the timeline counters were created for (timelineSeconds()). */
  seconds: number;
}

/** Builds RESULT_OUT's content from handleSummary's `data`. */
export function buildCellResult(
  data: K6SummaryData<{ startMs: number }>,
  settings: CellResultSettings,
): K6CellResult {
  const { metrics } = data;
  const durationMs = data.state.testRunDurationMs;
  const startMs = data.setup_data?.startMs ?? Date.now() - durationMs;
  const endMs = startMs + durationMs;
  const value = (name: string, stat: string): number => finite(metrics[name], stat);
  const count = (name: string): number => value(name, "count");

  const first = Math.floor(startMs / 1000);
  const timeline = timelineFromMetrics(metrics, startMs, endMs, settings.seconds).map((row) => ({
    t: row.epoch - first,
    ...row,
  }));

  // Nominal phase bounds (ms since start), cut short if the run was.
  const baselineEnd = Math.min(settings.baselineS * 1000, durationMs);
  const heavyEnd = Math.min((settings.baselineS + settings.heavyS) * 1000, durationMs);
  const bounds: Record<Phase, [number, number]> = {
    baseline: [0, baselineEnd],
    heavy: [baselineEnd, heavyEnd],
    recovery: [heavyEnd, durationMs],
  };
  const phaseStats = (phase: Phase): K6PhaseStats => {
    const [from, to] = bounds[phase];
    const completed = count(probeOkMetric(phase));
    const trend = probeDurationMetric(phase);
    return {
      completed,
      rps: completed / Math.max(0.001, (to - from) / 1000),
      p50Ms: value(trend, "p(50)") || value(trend, "med"),
      p99Ms: value(trend, "p(99)"),
      maxMs: value(trend, "max"),
    };
  };

  const heavyCompleted = count(resultMetrics.heavyOk);
  const heavyErrors = count(resultMetrics.heavyErrors);
  // Cut calls that failed, plus those k6 stopped before they ended at all.
  const failedCut = count(resultMetrics.heavyCancelled);
  const neverEnded = Math.max(
    0,
    count(resultMetrics.heavyStarted) - heavyCompleted - heavyErrors - failedCut,
  );
  const contentBytes = count(resultMetrics.heavyBytes);
  const totalBytes = contentBytes > 0 ? contentBytes : count(resultMetrics.heavyDataReceived);
  const heavySeconds = Math.max(0.001, (heavyEnd - baselineEnd) / 1000);
  const origin = first * 1000;
  return {
    kind: "loopstall-k6-result",
    version: 1,
    format: settings.format,
    strategy: settings.strategy,
    startedAt: startMs,
    endedAt: endMs,
    timeline,
    phases: {
      heavyStart: (startMs + baselineEnd - origin) / 1000,
      heavyEnd: (startMs + heavyEnd - origin) / 1000,
    },
    probe: {
      baseline: phaseStats("baseline"),
      heavy: phaseStats("heavy"),
      recovery: phaseStats("recovery"),
      errors: count(resultMetrics.probeErrors),
    },
    heavy: {
      completed: heavyCompleted,
      errors: heavyErrors,
      cancelled: failedCut + neverEnded,
      responseBytes: heavyCompleted > 0 ? Math.round(totalBytes / heavyCompleted) : 0,
      totalBytes: heavyCompleted > 0 ? totalBytes : 0,
      rps: heavyCompleted / heavySeconds,
      mbPerS: heavyCompleted > 0 ? totalBytes / 1e6 / heavySeconds : 0,
    },
    workerSpread: {},
    errorSamples: [],
  };
}

function finite(metric: SummaryMetric | undefined, stat: string): number {
  const v = metric?.values[stat];
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}
