import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LoadResult } from "../load/load-settings.js";
import { type RepeatResult, retentionOf, summarizeCell } from "./cell-summary.js";
import { medianIndex, toStat } from "./repeat-stat.js";

function load(baselineRps: number, duringRps: number, worker: string): LoadResult {
  const phase = (rps: number) => ({
    completed: rps,
    rps,
    p50Ms: 1000 / rps,
    p99Ms: 2000 / rps,
    maxMs: 5000 / rps,
  });
  return {
    startedAt: 0,
    endedAt: 3000,
    timeline: [{ t: 0, epoch: 0, probe: duringRps, heavy: 1 }],
    phases: { heavyStart: 1, heavyEnd: 2 },
    probe: {
      baseline: phase(baselineRps),
      heavy: phase(duringRps),
      recovery: phase(baselineRps),
      errors: 1,
    },
    heavy: {
      completed: 2,
      errors: 0,
      cancelled: 1,
      responseBytes: 1000,
      totalBytes: 2000,
      rps: 2,
      mbPerS: 0.002,
    },
    workerSpread: { [worker]: 10 },
    loadgenCpuPercent: 50,
    errorSamples: [],
  };
}

describe("toStat and medianIndex", () => {
  it("takes the median, min and max", () => {
    assert.deepEqual(toStat([3, 1, 2]), { median: 2, min: 1, max: 3 });
    assert.deepEqual(toStat([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4 });
    assert.deepEqual(toStat([]), { median: 0, min: 0, max: 0 });
    assert.equal(medianIndex([0.9, 0.1, 0.5]), 2);
  });
});

describe("summarizeCell", () => {
  const repeats: RepeatResult[] = [
    { load: load(100, 10, "1"), eventLoopDelayP99Ms: 300, eventLoopDelayMaxMs: 400 },
    { load: load(200, 100, "1"), eventLoopDelayP99Ms: null, eventLoopDelayMaxMs: null },
    { load: load(100, 30, "2"), eventLoopDelayP99Ms: 100, eventLoopDelayMaxMs: 200 },
  ];
  const cell = summarizeCell({ format: "grpc", workers: 2, strategy: "offload" }, repeats);

  it("reports medians over repeats with min–max", () => {
    assert.equal(retentionOf(repeats[0]?.load as LoadResult), 0.1);
    assert.equal(cell.repeats, 3);
    assert.equal(cell.probe.baselineRps, 100);
    assert.equal(cell.probe.retention, 0.3);
    assert.deepEqual(cell.probe.stats.retention, { median: 0.3, min: 0.1, max: 0.5 });
    assert.deepEqual(cell.probe.stats.duringRps, { median: 30, min: 10, max: 100 });
  });

  it("sums counts and worker spread, keeps the median repeat's timeline", () => {
    assert.equal(cell.probe.errors, 3);
    assert.equal(cell.heavy.completed, 6);
    assert.equal(cell.heavy.bytes, 1000);
    assert.deepEqual(cell.workerSpread, { "1": 20, "2": 10 });
    assert.deepEqual(cell.timeline, [{ t: 0, epoch: 0, probe: 30, heavy: 1 }]);
  });

  it("takes server stats over the repeats that had /metrics, null if none", () => {
    assert.deepEqual(cell.server.eventLoopDelayP99Ms, { median: 200, min: 100, max: 300 });
    const none = summarizeCell({ format: "grpc", workers: 1, strategy: "inline" }, [
      { load: load(1, 1, "1"), eventLoopDelayP99Ms: null, eventLoopDelayMaxMs: null },
    ]);
    assert.equal(none.server.eventLoopDelayP99Ms, null);
    assert.throws(() => summarizeCell({ format: "grpc", workers: 1, strategy: "inline" }, []));
  });
});
