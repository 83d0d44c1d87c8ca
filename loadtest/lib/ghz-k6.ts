/**
 * Turns a ghz config into a k6 run and k6's end-of-test metrics back into
 * a ghz report, with the same report builder `loopstall ghz` uses
 * (src/ghz/report-builder.ts). Plain module: no k6 or Node APIs, so Node
 * tests cover it.
 *
 * What k6 can and cannot give: handleSummary sees aggregates only. Counts
 * per status come from one Counter per gRPC code; latency statistics from
 * the `grpc_req_duration{status:0}` submetric (k6 tags gRPC samples with
 * the numeric status; the threshold below makes k6 keep the submetric),
 * with percentiles from `summaryTrendStats`. So the report is exact in its
 * counts, distributions, fastest/slowest/average and percentiles; the
 * histogram's marks are exact but its counts are estimated; `details` is
 * null; error strings carry the code but not the server's message; and
 * `--connections` does not apply (each k6 VU has its own connection).
 */

import { goCodeName, goCodeNames } from "../../src/contract/go-codes.ts";
import { parseGhzConfig } from "../../src/ghz/ghz-config.ts";
import {
  type GhzOverrides,
  type GhzSettings,
  ghzReportOptions,
  resolveGhzSettings,
} from "../../src/ghz/ghz-settings.ts";
import { buildGhzReportFromAggregates } from "../../src/ghz/report-builder.ts";
import { ghzPercentiles } from "../../src/ghz/report-stats.ts";
import type { GhzAggregates, GhzReport } from "../../src/ghz/report-types.ts";
import type { SummaryMetric } from "./k6-summary.ts";

/** The OK-latency submetric; k6 tags each gRPC sample with its numeric status. */
export const okLatencyMetric = "grpc_req_duration{status:0}";

/** Every statistic the report needs from a Trend. */
export const ghzTrendStats: string[] = [
  "avg",
  "min",
  "max",
  ...ghzPercentiles.map((p) => `p(${p})`),
  "count",
];

/** Counter name for calls that ended with gRPC code `code`. */
export function statusMetricName(code: number): string {
  return `ghz_status_${goCodeName(code).replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** All status counter names, by code. */
export const statusMetricNames: readonly string[] = goCodeNames.map((_, code) =>
  statusMetricName(code),
);

/**
 * Reads a ghz config file's text; `overrides` (from `__ENV`) win. The CPU
 * count is not visible to a k6 script, so `cpus` defaults to 0 unless set.
 */
export function loadGhzSettings(configText: string, overrides: GhzOverrides = {}): GhzSettings {
  let json: unknown;
  try {
    json = JSON.parse(configText);
  } catch (error) {
    throw new Error(`ghz config is not valid JSON: ${(error as Error).message}`);
  }
  return resolveGhzSettings(0, parseGhzConfig(json), overrides);
}

/** A k6 scenario (the subset of k6's options used here). */
export interface K6Scenario {
  executor: "shared-iterations" | "constant-vus" | "constant-arrival-rate";
  exec: string;
  vus?: number;
  iterations?: number;
  duration?: string;
  maxDuration?: string;
  rate?: number;
  timeUnit?: string;
  preAllocatedVUs?: number;
  maxVUs?: number;
}

/**
 * ghz's load shape as one k6 scenario: `-n` → shared-iterations over `-c`
 * VUs (at most `-n` of them: k6 refuses a shared-iterations scenario with
 * fewer iterations than VUs, and ghz's extra workers would have nothing to
 * send anyway); `-z` → constant-vus for that long; `-r` →
 * constant-arrival-rate (for `-n` with `-r`, for total/rps seconds).
 */
export function ghzScenario(s: GhzSettings, exec: string): K6Scenario {
  const seconds = s.durationNs > 0 ? Math.ceil(s.durationNs / 1e9) : undefined;
  if (s.rps > 0) {
    return {
      executor: "constant-arrival-rate",
      exec,
      rate: s.rps,
      timeUnit: "1s",
      duration: `${seconds ?? Math.max(1, Math.ceil(s.total / s.rps))}s`,
      preAllocatedVUs: s.concurrency,
      maxVUs: s.concurrency,
    };
  }
  if (seconds !== undefined) {
    return { executor: "constant-vus", exec, vus: s.concurrency, duration: `${seconds}s` };
  }
  return {
    executor: "shared-iterations",
    exec,
    vus: Math.max(1, Math.min(s.concurrency, s.total)),
    iterations: s.total,
    maxDuration: "1h",
  };
}

/** The report from handleSummary's metrics. */
export function ghzReportFromSummary(
  s: GhzSettings,
  metrics: Record<string, SummaryMetric | undefined>,
  run: { dateMs: number; durationMs: number },
): GhzReport {
  const statusCounts: Record<string, number> = {};
  const errorCounts: Record<string, number> = {};
  goCodeNames.forEach((name, code) => {
    const n = metrics[statusMetricName(code)]?.values.count ?? 0;
    if (n > 0) {
      statusCounts[name] = n;
      if (code !== 0) {
        errorCounts[`rpc error: code = ${name} desc = (message not kept by k6)`] = n;
      }
    }
  });
  const all = metrics.grpc_req_duration?.values;
  const ok = (s.countErrors ? all : metrics[okLatencyMetric]?.values) ?? undefined;
  const agg: GhzAggregates = { statusCounts, errorCounts, averageMs: all?.avg ?? 0 };
  if (ok && (ok.count ?? 0) > 0) {
    agg.counted = {
      count: ok.count ?? 0,
      minMs: ok.min ?? 0,
      maxMs: ok.max ?? 0,
      percentilesMs: ghzPercentiles.map((p) => ok[`p(${p})`] ?? 0),
    };
  }
  return buildGhzReportFromAggregates(agg, {
    ...(s.name && { name: s.name }),
    endReason: s.durationNs > 0 ? "timeout" : "normal",
    dateMs: run.dateMs,
    totalNs: Math.round(run.durationMs * 1e6),
    options: ghzReportOptions(s),
    ...(s.tags && { tags: s.tags }),
  });
}
