/**
 * The seed's per-second timeline (`<epoch> <probe> <heavy>`: requests
 * completed in each wall-clock second) for k6.
 *
 * Why counters per second: k6's `handleSummary(data)` sees only aggregated
 * metrics, never individual samples, and VUs share no memory. So each VU
 * adds 1 to a Counter named for the kind and the epoch second a request
 * completed in (`timeline_probe_12`: second 12 after the run's first
 * second, taken from `setup()`'s start time, which k6 hands to every VU
 * and to handleSummary as `setup_data`). The counters are created up front
 * in the init context, one per second of the planned run; handleSummary
 * reads their `count` back. Plain module, no k6 or Node APIs.
 */

import { k6GracefulStopSeconds, maxRunSeconds } from "../../src/contract/run-limits.ts";
import type { SummaryMetric } from "./k6-summary.ts";

export type TimelineKind = "probe" | "heavy";

/**
 * The most seconds a timeline covers: the longest run the phase limits
 * allow, its graceful stop and the margin (2 counters per second).
 */
export const maxTimelineSeconds = maxRunSeconds + k6GracefulStopSeconds + 5;

/** Counter metric name for one kind and second index. */
export function timelineMetricName(kind: TimelineKind, index: number): string {
  return `timeline_${kind}_${index}`;
}

/** Seconds to pre-create counters for: the planned run plus a margin, capped. */
export function timelineSeconds(plannedSeconds: number): number {
  if (!(plannedSeconds >= 0)) {
    throw new RangeError(`planned run length must be ≥ 0 s, got ${plannedSeconds}`);
  }
  return Math.min(maxTimelineSeconds, Math.ceil(plannedSeconds) + 5);
}

/**
 * Index of the epoch second holding `nowMs`, counted from the second holding
 * `startMs`; undefined when outside 0..seconds-1 (the sample is dropped
 * rather than creating a metric outside the init context, which k6 forbids).
 */
export function secondIndex(startMs: number, nowMs: number, seconds: number): number | undefined {
  const index = Math.floor(nowMs / 1000) - Math.floor(startMs / 1000);
  return index >= 0 && index < seconds ? index : undefined;
}

/** One timeline line. */
export interface TimelineRow {
  epoch: number;
  probe: number;
  heavy: number;
}

/**
 * Reads the per-second counters back from handleSummary's `metrics`, from
 * the start second through the one holding `endMs` (missing = 0).
 */
export function timelineFromMetrics(
  metrics: Record<string, SummaryMetric | undefined>,
  startMs: number,
  endMs: number,
  seconds: number,
): TimelineRow[] {
  const first = Math.floor(startMs / 1000);
  const last = Math.min(Math.floor(endMs / 1000) - first, seconds - 1);
  const count = (kind: TimelineKind, i: number) =>
    metrics[timelineMetricName(kind, i)]?.values.count ?? 0;
  const rows: TimelineRow[] = [];
  for (let i = 0; i <= last; i++) {
    rows.push({ epoch: first + i, probe: count("probe", i), heavy: count("heavy", i) });
  }
  return rows;
}

/** The seed's text: one `<epoch> <probe> <heavy>` line per second. */
export function formatTimeline(rows: readonly TimelineRow[]): string {
  return rows.map((r) => `${r.epoch} ${r.probe} ${r.heavy}\n`).join("");
}
