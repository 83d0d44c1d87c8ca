import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LoadAggregator } from "./load-aggregator.js";
import type { CompactRecord } from "./load-thread.js";

const start = 1_700_000_000_000; // a whole second
const call = (atMs: number, latencyMs: number, status = "OK", worker = "7"): CompactRecord => ({
  start: start + atMs,
  latencyMs,
  status,
  worker,
  bytes: 100,
});

describe("LoadAggregator", () => {
  it("puts every record in the phase its start (latency) or end (completions) lies in", () => {
    const agg = new LoadAggregator();
    agg.setHeavyPhase(start + 2_000, start + 4_000);
    agg.add("probe", [call(100, 10), call(1_995, 10), call(2_500, 900), call(4_100, 5)], []);
    agg.add("heavy", [call(2_100, 500), call(3_900, 50), call(3_000, 1_100, "Canceled")], []);
    const r = agg.result(start, start + 6_000, 42);
    // The call started at 1.995 s ended in the heavy phase: a heavy-phase completion.
    assert.deepEqual(
      [r.probe.baseline.completed, r.probe.heavy.completed, r.probe.recovery.completed],
      [1, 2, 1],
    );
    assert.equal(r.probe.baseline.rps, 0.5);
    assert.equal(r.probe.heavy.maxMs >= 899, true, "the 900 ms call started in the heavy phase");
    assert.deepEqual(r.phases, { warmupStart: 0, heavyStart: 2, heavyEnd: 4 });
    assert.equal(r.heavy.completed, 2);
    assert.equal(r.heavy.cancelled, 1);
    assert.equal(r.heavy.errors, 0);
    assert.equal(r.heavy.rps, 1);
    assert.deepEqual(r.workerSpread, { "7": 7 });
    assert.equal(r.loadgenCpuPercent, 42);
    // One row per second, the last one partial; the rows add up to the completions.
    assert.equal(r.timeline.length, 7);
    assert.equal(
      r.timeline.reduce((n, p) => n + p.probe, 0),
      4,
    );
    assert.deepEqual(agg.point(Math.floor(start / 1000) + 2, Math.floor(start / 1000)), {
      t: 2,
      epoch: Math.floor(start / 1000) + 2,
      probe: 1,
      heavy: 1,
    });
  });

  it("counts failures, keeps a few error texts, and leaves cancellations out of them", () => {
    const agg = new LoadAggregator();
    agg.setHeavyPhase(start + 1_000, start + 2_000);
    agg.add(
      "probe",
      [{ start: start + 10, latencyMs: 1_000, status: "DeadlineExceeded" }],
      ["DeadlineExceeded: timed out"],
    );
    agg.add("heavy", [call(1_100, 5, "Internal")], ["Canceled: cut", "Internal: boom"]);
    const r = agg.result(start, start + 3_000, 0);
    assert.equal(r.probe.errors, 1);
    assert.equal(r.heavy.errors, 1);
    assert.deepEqual(r.errorSamples, [
      "probe: DeadlineExceeded: timed out",
      "heavy: Internal: boom",
    ]);
    assert.deepEqual(r.workerSpread, { "7": 1 }, "an unanswered call is served by nobody");
  });

  it("ends the phases that never happened at the end of a cancelled run", () => {
    const agg = new LoadAggregator();
    agg.setHeavyPhase(start + 5_000, start + 10_000);
    const r = agg.result(start, start + 3_000, 0);
    assert.deepEqual(r.phases, { warmupStart: 0, heavyStart: 3, heavyEnd: 3 });
    assert.equal(r.heavy.rps, 0);
  });

  it("keeps warm-up calls on the timeline (negative seconds) and out of every statistic", () => {
    const agg = new LoadAggregator();
    const warmupStart = start - 2_000;
    agg.setWarmupEnd(start);
    agg.setHeavyPhase(start + 2_000, start + 4_000);
    const slowWarmup = { ...call(-1_500, 800), worker: "7" };
    agg.add(
      "probe",
      [slowWarmup, call(-500, 10, "Unavailable"), { ...call(100, 5), worker: "7" }],
      [],
    );
    const r = agg.result(start, start + 6_000, 0, warmupStart);
    assert.deepEqual(r.phases, { warmupStart: -2, heavyStart: 2, heavyEnd: 4 });
    assert.deepEqual(
      r.timeline.slice(0, 3).map((p) => [p.t, p.probe]),
      [
        [-2, 0],
        [-1, 1],
        [0, 1],
      ],
    );
    assert.equal(r.probe.baseline.completed, 1);
    assert.equal(r.probe.errors, 0, "the warm-up's failure is not counted");
    assert.ok(r.probe.baseline.maxMs < 100, "the warm-up's 800 ms call is in no percentile");
    assert.deepEqual(r.workerSpread, { "7": 1 });
    assert.deepEqual(r.placement, { probe: { "7": 1 }, heavy: {} });
  });

  it("tallies probe and heavy placement apart", () => {
    const agg = new LoadAggregator();
    agg.setHeavyPhase(start + 1_000, start + 2_000);
    agg.add(
      "probe",
      [
        { ...call(0, 1), worker: "1" },
        { ...call(10, 1), worker: "2" },
      ],
      [],
    );
    agg.add(
      "heavy",
      [
        { ...call(1_100, 100), worker: "2" },
        { ...call(1_200, 100), worker: "2" },
      ],
      [],
    );
    const r = agg.result(start, start + 3_000, 0);
    assert.deepEqual(r.placement, { probe: { "1": 1, "2": 1 }, heavy: { "2": 2 } });
    assert.deepEqual(r.workerSpread, { "1": 1, "2": 3 });
  });
});
