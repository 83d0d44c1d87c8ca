import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SummaryMetric } from "./k6-summary.ts";
import {
  formatTimeline,
  maxTimelineSeconds,
  secondIndex,
  timelineFromMetrics,
  timelineMetricName,
  timelineSeconds,
} from "./timeline.ts";

describe("timeline bucketing", () => {
  const start = 1_643_620_388_400; // 0.4 s into epoch second 1643620388

  const cases: Array<[string, number, number | undefined]> = [
    ["the start itself", start, 0],
    ["later in the same epoch second", start + 599, 0],
    ["the next epoch second (0.6 s after the start)", start + 600, 1],
    ["before the start's second", start - 401, undefined],
    ["past the planned seconds", start + 10_000, undefined],
  ];
  for (const [name, now, expected] of cases) {
    it(`buckets ${name}`, () => {
      assert.equal(secondIndex(start, now, 10), expected);
    });
  }

  it("plans counters for the run plus a margin, capped", () => {
    assert.equal(timelineSeconds(20), 25);
    assert.equal(timelineSeconds(20.2), 26);
    assert.equal(timelineSeconds(1e9), maxTimelineSeconds);
    assert.throws(() => timelineSeconds(-1), RangeError);
  });

  it("reads the counters back as the seed's lines, empty seconds as 0", () => {
    const metrics: Record<string, SummaryMetric> = {
      [timelineMetricName("probe", 0)]: { values: { count: 309, rate: 300 } },
      [timelineMetricName("heavy", 1)]: { values: { count: 1 } },
      [timelineMetricName("probe", 2)]: { values: { count: 322 } },
      [timelineMetricName("probe", 9)]: { values: { count: 5 } },
    };
    const rows = timelineFromMetrics(metrics, start, start + 2_000, 10);
    assert.equal(formatTimeline(rows), "1643620388 309 0\n1643620389 0 1\n1643620390 322 0\n");
  });

  it("stops at the last planned second", () => {
    const rows = timelineFromMetrics({}, start, start + 60_000, 3);
    assert.equal(rows.length, 3);
  });
});
