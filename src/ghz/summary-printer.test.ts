import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildGhzReport } from "./report-builder.js";
import type { GhzCallRecord } from "./report-types.js";
import { formatGhzSummary, formatNanoUnit } from "./summary-printer.js";

describe("formatNanoUnit", () => {
  const cases: Array<[number, string]> = [
    [0, "0 ns"],
    [9_999, "9999 ns"],
    [10_000, "0.01 ms"],
    [2_207_000, "2.21 ms"],
    [999_990_000, "999.99 ms"],
    [1_500_000_000, "1.50 s"],
  ];
  for (const [ns, text] of cases) {
    it(`${ns} ns → ${text}`, () => assert.equal(formatNanoUnit(ns), text));
  }
});

describe("formatGhzSummary", () => {
  it("renders ghz's template, tab-aligned distributions and all", () => {
    const records: GhzCallRecord[] = [
      ...Array.from({ length: 4 }, (_, i) => ({
        endMs: 0,
        latencyNs: (i + 1) * 1e6,
        status: "OK",
        error: "",
      })),
      {
        endMs: 0,
        latencyNs: 5e6,
        status: "InvalidArgument",
        error: "rpc error: code = InvalidArgument desc = no",
      },
    ];
    const report = buildGhzReport(records, {
      name: "demo",
      endReason: "normal",
      dateMs: 0,
      totalNs: 10e6,
      options: {},
    });
    const expected = [
      "",
      "Summary:",
      "  Name:\t\tdemo",
      "  Count:\t5",
      "  Total:\t10.00 ms",
      "  Slowest:\t4.00 ms",
      "  Fastest:\t1.00 ms",
      "  Average:\t3.00 ms",
      "  Requests/sec:\t500.00",
      "",
      "Response time histogram:",
      "  1.000 [1] |∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎",
      "  1.300 [0] |",
      "  1.600 [0] |",
      "  1.900 [0] |",
      "  2.200 [1] |∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎",
      "  2.500 [0] |",
      "  2.800 [0] |",
      "  3.100 [1] |∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎",
      "  3.400 [0] |",
      "  3.700 [0] |",
      "  4.000 [1] |∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎",
      "",
      "Latency distribution:",
      "  10 % in 1.00 ms ",
      "  25 % in 1.00 ms ",
      "  50 % in 2.00 ms ",
      "  75 % in 3.00 ms ",
      "  90 % in 4.00 ms ",
      "  95 % in 4.00 ms ",
      "  99 % in 4.00 ms ",
      "",
      "Status code distribution:",
      "  [InvalidArgument]   1 responses   ",
      "  [OK]                4 responses   ",
      "",
      "Error distribution:",
      "  [1]   rpc error: code = InvalidArgument desc = no   ",
      "",
      "",
    ].join("\n");
    assert.equal(formatGhzSummary(report), expected);
  });

  it("renders a run without results like ghz (empty sections)", () => {
    const report = buildGhzReport([], { endReason: "normal", dateMs: 0, totalNs: 0, options: {} });
    assert.equal(
      formatGhzSummary(report),
      "\nSummary:\n  Count:\t0\n  Total:\t0 ns\n  Slowest:\t0 ns\n  Fastest:\t0 ns\n" +
        "  Average:\t0 ns\n  Requests/sec:\t0.00\n\nResponse time histogram:\n\n" +
        "Latency distribution:\n\n\n\n",
    );
  });
});
