import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ghzReportFromSummary,
  ghzScenario,
  loadGhzSettings,
  okLatencyMetric,
  statusMetricName,
} from "./ghz-k6.ts";
import type { SummaryMetric } from "./k6-summary.ts";

const config = JSON.stringify({
  call: "bank.v1.BankService.Live",
  host: "127.0.0.1:8080",
  insecure: true,
  total: 100,
  concurrency: 4,
  name: "k6",
});

describe("ghz config → k6", () => {
  it("reads the config; environment overrides win", () => {
    const s = loadGhzSettings(config, { host: "127.0.0.1:9090" });
    assert.equal(s.host, "127.0.0.1:9090");
    assert.equal(s.total, 100);
    assert.equal(s.timeoutNs, 20e9);
    assert.throws(() => loadGhzSettings("{"), /ghz config is not valid JSON/);
    assert.throws(() => loadGhzSettings('{"cert":"x"}'), /"cert" is unknown or not supported/);
  });

  const scenarios: Array<[string, object, object]> = [
    ["-n", {}, { executor: "shared-iterations", vus: 4, iterations: 100 }],
    // k6 refuses shared-iterations with fewer iterations than VUs.
    ["-n below -c", { total: 3 }, { executor: "shared-iterations", vus: 3, iterations: 3 }],
    ["-n equal to -c", { total: 4 }, { executor: "shared-iterations", vus: 4, iterations: 4 }],
    ["-z", { duration: "7s" }, { executor: "constant-vus", vus: 4, duration: "7s" }],
    ["-n with -r", { rps: 50 }, { executor: "constant-arrival-rate", rate: 50, duration: "2s" }],
    [
      "-z with -r",
      { rps: 50, duration: "1500ms" },
      { executor: "constant-arrival-rate", duration: "2s" },
    ],
  ];
  for (const [name, extra, expected] of scenarios) {
    it(`maps ${name} to a k6 scenario`, () => {
      const s = loadGhzSettings(JSON.stringify({ ...JSON.parse(config), ...extra }));
      const scenario = ghzScenario(s, "call");
      for (const [key, value] of Object.entries(expected)) {
        assert.equal(scenario[key as keyof typeof scenario], value, key);
      }
    });
  }
});

describe("k6 summary → ghz report", () => {
  it("builds ghz's report from k6's aggregates", () => {
    const s = loadGhzSettings(config);
    const metrics: Record<string, SummaryMetric> = {
      [statusMetricName(0)]: { values: { count: 98 } },
      [statusMetricName(14)]: { values: { count: 2 } },
      grpc_req_duration: { values: { avg: 3, min: 0.5, max: 40, count: 100 } },
      [okLatencyMetric]: {
        values: {
          avg: 2.5,
          min: 1,
          max: 20,
          "p(10)": 1.2,
          "p(25)": 1.5,
          "p(50)": 2,
          "p(75)": 3,
          "p(90)": 5,
          "p(95)": 8,
          "p(99)": 19,
          count: 98,
        },
      },
    };
    const report = ghzReportFromSummary(s, metrics, {
      dateMs: Date.UTC(2026, 0, 1),
      durationMs: 1_000,
    });
    assert.equal(statusMetricName(14), "ghz_status_Unavailable");
    assert.equal(report.name, "k6");
    assert.equal(report.count, 100);
    assert.equal(report.total, 1e9);
    assert.equal(report.rps, 100);
    assert.equal(report.average, 3e6);
    assert.equal(report.fastest, 1e6);
    assert.equal(report.slowest, 20e6);
    assert.deepEqual(report.statusCodeDistribution, { OK: 98, Unavailable: 2 });
    assert.deepEqual(Object.values(report.errorDistribution), [2]);
    assert.deepEqual(report.latencyDistribution?.[6], { percentage: 99, latency: 19e6 });
    assert.equal(
      report.histogram?.reduce((sum, b) => sum + b.count, 0),
      98,
    );
    assert.equal(report.details, null);
    assert.equal(report.options.total, 100);
  });

  it("writes an empty report when k6 recorded nothing", () => {
    const report = ghzReportFromSummary(loadGhzSettings(config), {}, { dateMs: 0, durationMs: 0 });
    assert.equal(report.count, 0);
    assert.deepEqual(report.statusCodeDistribution, {});
    assert.equal(report.latencyDistribution, null);
  });
});
