import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { phaseAt } from "../../src/contract/phases.ts";
import { k6GracefulStopSeconds } from "../../src/contract/run-limits.ts";
import {
  buildCellResult,
  type CellResultSettings,
  heavyOutcome,
  probeDurationMetric,
  probeOkMetric,
  resultMetrics,
  resultTrendStats,
} from "./cell-result.ts";
import type { K6SummaryData, SummaryMetric } from "./k6-summary.ts";
import { maxTimelineSeconds, timelineMetricName } from "./timeline.ts";

const start = 1_643_620_388_400; // 0.4 s into epoch second 1643620388
const settings: CellResultSettings = {
  format: "connect-json",
  strategy: "offload",
  baselineS: 2,
  heavyS: 4,
  recoveryS: 2,
  seconds: 20,
};

/** A handleSummary `data` as k6 gives it, for a run of `durationMs`. */
function summaryData(
  metrics: Record<string, SummaryMetric>,
  durationMs = 8_000,
): K6SummaryData<{ startMs: number }> {
  return { metrics, setup_data: { startMs: start }, state: { testRunDurationMs: durationMs } };
}

describe("phaseAt", () => {
  const cases: Array<[number, string]> = [
    [0, "baseline"],
    [1_999, "baseline"],
    [2_000, "heavy"],
    [5_999, "heavy"],
    [6_000, "recovery"],
    [60_000, "recovery"],
  ];
  for (const [elapsed, phase] of cases) {
    it(`puts ${elapsed} ms after the start in ${phase}`, () => {
      assert.equal(phaseAt(start, start + elapsed, 2, 4), phase);
    });
  }
});

describe("the heavy phase's end (gracefulStop)", () => {
  it("is an explicit 0 s, so calls in flight are cut when the phase ends", () => {
    assert.equal(k6GracefulStopSeconds, 0);
    // The timeline has counters for the longest run the CLI allows.
    assert.ok(maxTimelineSeconds >= 3 * 3_600 + k6GracefulStopSeconds);
  });

  it("counts a failure after the phase's end as cancelled, before it as an error", () => {
    assert.equal(heavyOutcome(true, start, start + 7_000, 2, 4), "ok");
    assert.equal(heavyOutcome(false, start, start + 5_999, 2, 4), "error");
    assert.equal(heavyOutcome(false, start, start + 6_000, 2, 4), "cancelled");
  });
});

describe("buildCellResult", () => {
  const metrics: Record<string, SummaryMetric> = {
    [timelineMetricName("probe", 0)]: { values: { count: 300, rate: 37.5 } },
    [timelineMetricName("probe", 1)]: { values: { count: 310 } },
    [timelineMetricName("probe", 2)]: { values: { count: 20 } },
    [timelineMetricName("heavy", 3)]: { values: { count: 2 } },
    [probeOkMetric("baseline")]: { values: { count: 600, rate: 75 } },
    [probeOkMetric("heavy")]: { values: { count: 80 } },
    [probeOkMetric("recovery")]: { values: { count: 500 } },
    [probeDurationMetric("baseline")]: {
      values: { avg: 1.2, min: 0.4, med: 1.1, max: 9, "p(50)": 1, "p(99)": 3.5, count: 601 },
    },
    [probeDurationMetric("heavy")]: {
      values: { avg: 40, min: 0.5, med: 2, max: 900, "p(50)": 2.5, "p(99)": 850, count: 85 },
    },
    // No p(50) (summaryTrendStats without it): med is used.
    [probeDurationMetric("recovery")]: { values: { med: 1.3, max: 4, "p(99)": 2, count: 500 } },
    [resultMetrics.probeErrors]: { values: { count: 3 } },
    [resultMetrics.heavyOk]: { values: { count: 4 } },
    [resultMetrics.heavyErrors]: { values: { count: 1 } },
    [resultMetrics.heavyBytes]: { values: { count: 32_000_000 } },
    [resultMetrics.heavyDataReceived]: { values: { count: 32_100_000 } },
  };

  it("splits the probe by phase, with p50/p99 from each phase's Trend", () => {
    const r = buildCellResult(summaryData(metrics), settings);
    assert.deepEqual(r.probe.baseline, {
      completed: 600,
      rps: 300,
      p50Ms: 1,
      p99Ms: 3.5,
      maxMs: 9,
    });
    assert.deepEqual(r.probe.heavy, { completed: 80, rps: 20, p50Ms: 2.5, p99Ms: 850, maxMs: 900 });
    assert.deepEqual(r.probe.recovery, {
      completed: 500,
      rps: 250,
      p50Ms: 1.3,
      p99Ms: 2,
      maxMs: 4,
    });
    assert.equal(r.probe.errors, 3);
  });

  it("reads heavy completions, errors and Content-Length bytes", () => {
    const r = buildCellResult(summaryData(metrics), settings);
    assert.deepEqual(r.heavy, {
      completed: 4,
      errors: 1,
      cancelled: 0,
      responseBytes: 8_000_000,
      totalBytes: 32_000_000,
      rps: 1,
      mbPerS: 8,
    });
  });

  it("counts heavy calls cut by the phase's end: failed after it, or never ended", () => {
    const r = buildCellResult(
      summaryData({
        ...metrics,
        // 4 ok + 1 error + 2 failed after the end + 3 that k6 stopped mid-call.
        [resultMetrics.heavyStarted]: { values: { count: 10 } },
        [resultMetrics.heavyCancelled]: { values: { count: 2 } },
      }),
      settings,
    );
    assert.equal(r.heavy.completed, 4);
    assert.equal(r.heavy.errors, 1);
    assert.equal(r.heavy.cancelled, 5);
  });

  it("falls back to the heavy scenario's data_received without Content-Length", () => {
    const { [resultMetrics.heavyBytes]: _, ...rest } = metrics;
    const r = buildCellResult(summaryData(rest), settings);
    assert.equal(r.heavy.totalBytes, 32_100_000);
    assert.equal(r.heavy.responseBytes, 8_025_000);
  });

  it("builds the per-second timeline with t from the start's second", () => {
    const r = buildCellResult(summaryData(metrics), settings);
    // 8 s from 0.4 s into a second ends 0.4 s into the 9th: 9 points.
    assert.equal(r.timeline.length, 9);
    assert.deepEqual(r.timeline.slice(0, 4), [
      { t: 0, epoch: 1_643_620_388, probe: 300, heavy: 0 },
      { t: 1, epoch: 1_643_620_389, probe: 310, heavy: 0 },
      { t: 2, epoch: 1_643_620_390, probe: 20, heavy: 0 },
      { t: 3, epoch: 1_643_620_391, probe: 0, heavy: 2 },
    ]);
    assert.equal(r.startedAt, start);
    assert.equal(r.endedAt, start + 8_000);
    assert.deepEqual(r.phases, { heavyStart: 2.4, heavyEnd: 6.4 });
  });

  it("is the contract the k6 engine reads: tagged, versioned, no worker spread", () => {
    const r = buildCellResult(summaryData(metrics), settings);
    assert.equal(r.kind, "loopstall-k6-result");
    assert.equal(r.version, 1);
    assert.equal(r.format, "connect-json");
    assert.equal(r.strategy, "offload");
    assert.deepEqual(r.workerSpread, {});
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
    for (const stat of ["p(50)", "p(99)", "max"]) {
      assert.ok(resultTrendStats.includes(stat));
    }
  });

  it("reports zeros, not NaN, for a run cut short with no samples", () => {
    const r = buildCellResult(summaryData({}, 1_000), settings);
    assert.equal(r.probe.heavy.rps, 0);
    assert.equal(r.probe.heavy.p99Ms, 0);
    assert.equal(r.heavy.rps, 0);
    assert.equal(r.heavy.mbPerS, 0);
    assert.deepEqual(r.phases, { heavyStart: 1.4, heavyEnd: 1.4 });
  });
});
