import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatRfc3339, toGhzJson } from "./go-format.js";
import { buildGhzReport, buildGhzReportFromAggregates } from "./report-builder.js";
import { buildGhzOptions } from "./report-options.js";
import { histogram, latencyDistribution } from "./report-stats.js";
import type { GhzCallRecord, GhzReportMeta } from "./report-types.js";

const meta: GhzReportMeta = {
  endReason: "normal",
  dateMs: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  totalNs: 2e9,
  options: { call: "bank.v1.BankService.Live", host: "127.0.0.1:8080", insecure: true },
  utcOffsetMinutes: 0,
};

/** n calls with latencies 1..n ms. */
function okRecords(n: number): GhzCallRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    endMs: meta.dateMs - 1000 + i,
    latencyNs: (i + 1) * 1e6,
    status: "OK",
    error: "",
  }));
}

describe("latencyDistribution (ghz's percentile index rule)", () => {
  // index = int(p/100 * n), minus one when p/100 * n is whole.
  const cases: Array<[string, number, number[]]> = [
    ["1 value", 1, [1, 1, 1, 1, 1, 1, 1]],
    ["4 values: 25% of 4 is whole, so index 0", 4, [1, 1, 2, 3, 4, 4, 4]],
    ["10 values", 10, [1, 3, 5, 8, 9, 10, 10]],
    ["20 values", 20, [2, 5, 10, 15, 18, 19, 20]],
    ["200 values", 200, [20, 50, 100, 150, 180, 190, 198]],
  ];
  for (const [name, n, expectedMs] of cases) {
    it(name, () => {
      const sorted = Array.from({ length: n }, (_, i) => (i + 1) / 1000);
      const points = latencyDistribution(sorted);
      assert.deepEqual(
        points.map((p) => p.percentage),
        [10, 25, 50, 75, 90, 95, 99],
      );
      assert.deepEqual(
        points.map((p) => Math.round(p.latency / 1e6)),
        expectedMs,
      );
    });
  }

  it("writes a zero latency as a zero-valued entry, as ghz does", () => {
    const points = latencyDistribution([0, 0, 0, 0, 0, 0, 0, 0, 0, 0.005]);
    assert.deepEqual(points[0], { percentage: 0, latency: 0 });
    assert.deepEqual(points[6], { percentage: 99, latency: 5_000_000 });
  });
});

describe("histogram", () => {
  it("has 11 buckets from fastest to slowest", () => {
    const sorted = Array.from({ length: 11 }, (_, i) => (i + 1) / 1000);
    const buckets = histogram(sorted, 0.011, 0.001);
    assert.equal(buckets.length, 11);
    assert.equal(buckets[0]?.mark, 0.001);
    assert.equal(buckets[10]?.mark, 0.011);
    assert.equal(
      buckets.reduce((sum, b) => sum + b.count, 0),
      11,
    );
    assert.deepEqual(
      buckets.map((b) => b.frequency),
      buckets.map((b) => b.count / 11),
    );
  });

  const cases: Array<[string, number[], number[]]> = [
    ["a value on a mark goes in that bucket", [1, 2, 11], [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ["between marks goes up", [1, 1.5, 11], [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ["all equal: everything in the first bucket", [3, 3, 3], [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ];
  for (const [name, valuesMs, counts] of cases) {
    it(name, () => {
      const sorted = valuesMs.map((v) => v / 1000);
      const buckets = histogram(sorted, sorted[sorted.length - 1] ?? 0, sorted[0] ?? 0);
      assert.deepEqual(
        buckets.map((b) => b.count),
        counts,
      );
    });
  }
});

describe("buildGhzReport", () => {
  it("writes ghz's keys in ghz's order", () => {
    const report = buildGhzReport(okRecords(3), { ...meta, name: "n", tags: { b: "2", a: "1" } });
    assert.deepEqual(Object.keys(report), [
      "date",
      "name",
      "endReason",
      "options",
      "count",
      "total",
      "average",
      "fastest",
      "slowest",
      "rps",
      "errorDistribution",
      "statusCodeDistribution",
      "latencyDistribution",
      "histogram",
      "details",
      "tags",
    ]);
    assert.deepEqual(Object.keys(report.tags ?? {}), ["a", "b"]);
    assert.deepEqual(Object.keys(report.details?.[0] ?? {}), [
      "timestamp",
      "latency",
      "error",
      "status",
    ]);
  });

  it("computes ghz's statistics in integer ns", () => {
    const report = buildGhzReport(okRecords(4), meta);
    assert.equal(report.date, "2026-01-02T03:04:05Z");
    assert.equal(report.count, 4);
    assert.equal(report.total, 2e9);
    assert.equal(report.average, 2_500_000);
    assert.equal(report.fastest, 1_000_000);
    assert.equal(report.slowest, 4_000_000);
    assert.equal(report.rps, 2);
    assert.deepEqual(report.statusCodeDistribution, { OK: 4 });
    assert.equal(report.details?.[1]?.timestamp, "2026-01-02T03:04:04.679Z");
  });

  it("uses {} for empty distributions and null for empty slices", () => {
    const empty = buildGhzReport([], meta);
    assert.deepEqual(empty.errorDistribution, {});
    assert.deepEqual(empty.statusCodeDistribution, {});
    assert.equal(empty.latencyDistribution, null);
    assert.equal(empty.histogram, null);
    assert.equal(empty.details, null);
    assert.equal(empty.rps, 0);
    assert.equal("name" in empty, false);
    assert.equal("tags" in empty, false);
    assert.match(
      toGhzJson(empty),
      /"errorDistribution":\{\},"statusCodeDistribution":\{\},"latencyDistribution":null,"histogram":null,"details":null\}$/,
    );
  });

  it("leaves failed calls out of the latency statistics unless countErrors", () => {
    const records: GhzCallRecord[] = [
      ...okRecords(2),
      {
        endMs: meta.dateMs,
        latencyNs: 9e6,
        status: "Unavailable",
        error: "rpc error: code = Unavailable desc = x",
      },
    ];
    const report = buildGhzReport(records, meta);
    assert.equal(report.slowest, 2e6);
    assert.deepEqual(report.statusCodeDistribution, { OK: 2, Unavailable: 1 });
    assert.deepEqual(report.errorDistribution, { "rpc error: code = Unavailable desc = x": 1 });
    assert.equal(report.average, 4e6);
    const counted = buildGhzReport(records, { ...meta, options: { countErrors: true } });
    assert.equal(counted.slowest, 9e6);

    const allFailed = buildGhzReport(records.slice(2), meta);
    assert.equal(allFailed.fastest, 0);
    assert.equal(allFailed.histogram, null);
    assert.equal(allFailed.latencyDistribution, null);
    assert.equal(allFailed.details?.length, 1);
  });
});

describe("buildGhzOptions", () => {
  it("always writes ghz's always-present keys, and omits empty ones", () => {
    assert.deepEqual(Object.keys(buildGhzOptions({})), [
      "insecure",
      "load-schedule",
      "load-start",
      "load-end",
      "load-step",
      "load-step-duration",
      "load-max-duration",
      "concurrency-schedule",
      "concurrency-start",
      "concurrency-end",
      "concurrency-step",
      "concurrency-step-duration",
      "concurrency-max-duration",
      "binary",
      "CPUs",
    ]);
  });

  it("places set keys in ghz's order, data keys sorted", () => {
    const options = buildGhzOptions({
      countErrors: true,
      name: "x",
      data: { z: 1, a: { y: 2, b: 3 } },
      timeoutNs: 20e9,
      call: "c",
      rps: 5,
    });
    const keys = Object.keys(options);
    assert.deepEqual(
      keys.filter((k) => ["call", "rps", "timeout", "data", "name", "count-errors"].includes(k)),
      ["call", "rps", "timeout", "data", "name", "count-errors"],
    );
    assert.equal(JSON.stringify(options.data), '{"a":{"b":3,"y":2},"z":1}');
  });
});

describe("toGhzJson and dates", () => {
  it("escapes HTML characters as Go's encoder does, and indents for pretty", () => {
    const report = buildGhzReport([], { ...meta, name: "a<b>&c" });
    assert.match(toGhzJson(report), /"name":"a\\u003cb\\u003e\\u0026c"/);
    assert.match(toGhzJson(report, true), /^\{\n {2}"date": /);
  });

  const dates: Array<[number, boolean, number, string]> = [
    [Date.UTC(2026, 10, 26, 10, 0, 0) + 0.25, true, 0, "2026-11-26T10:00:00.00025Z"],
    [Date.UTC(2026, 10, 26, 10, 0, 0) + 1.5, true, 0, "2026-11-26T10:00:00.0015Z"],
    [Date.UTC(2026, 10, 26, 10, 0, 0) + 1.5, false, 0, "2026-11-26T10:00:00Z"],
    [Date.UTC(2026, 10, 26, 23, 30, 0), false, 60, "2026-11-27T00:30:00+01:00"],
    [Date.UTC(2026, 10, 26, 0, 0, 0), false, -330, "2026-11-25T18:30:00-05:30"],
  ];
  for (const [ms, nanos, offset, expected] of dates) {
    it(`formats ${expected}`, () => {
      assert.equal(formatRfc3339(ms, nanos, offset), expected);
    });
  }
});

describe("buildGhzReportFromAggregates (k6)", () => {
  it("builds a report with exact marks and estimated counts", () => {
    const report = buildGhzReportFromAggregates(
      {
        statusCounts: { OK: 100, Unavailable: 2 },
        errorCounts: { "rpc error: code = Unavailable": 2 },
        averageMs: 5,
        counted: { count: 100, minMs: 1, maxMs: 11, percentilesMs: [2, 3, 5, 7, 9, 10, 11] },
      },
      meta,
    );
    assert.equal(report.count, 102);
    assert.equal(report.average, 5e6);
    assert.equal(report.fastest, 1e6);
    assert.equal(report.slowest, 11e6);
    assert.equal(report.details, null);
    assert.equal(report.histogram?.length, 11);
    assert.equal(
      report.histogram?.reduce((sum, b) => sum + b.count, 0),
      100,
    );
    assert.deepEqual(report.latencyDistribution?.[2], { percentage: 50, latency: 5e6 });
  });

  it("writes nulls when no call succeeded", () => {
    const report = buildGhzReportFromAggregates(
      { statusCounts: {}, errorCounts: {}, averageMs: 0 },
      meta,
    );
    assert.equal(report.count, 0);
    assert.equal(report.histogram, null);
    assert.deepEqual(report.statusCodeDistribution, {});
  });
});
