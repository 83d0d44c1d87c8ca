/**
 * Runs a ghz config file with k6's gRPC client and writes a ghz-format
 * report, built by the same code as `loopstall ghz`
 * (src/ghz/report-builder.ts), so k6, ghz and loopstall runs can be
 * compared side by side or fed to ghz-web.
 *
 * Limits of a k6 run (see lib/ghz-k6.ts): unary methods only, `details`
 * is null, histogram counts are estimated, error strings keep only the code,
 * and each VU has its own connection (`connections` does not apply).
 *
 * Start the server first, from the repository root:
 *   npm start                                  # 127.0.0.1:8080
 * Write a config (ghz's long flag names as keys), e.g. live.json:
 *   {"call": "bank.v1.BankService.Live", "host": "127.0.0.1:8080",
 *    "insecure": true, "total": 2000, "concurrency": 8, "format": "pretty"}
 * Then, from the repository root:
 *   k6 run -e GHZ_CONFIG=live.json loadtest/ghz.ts
 *
 * Settings (environment): GHZ_CONFIG (required; path relative to this
 * script unless absolute), HOST (overrides the config's host), PROTO (the
 * .proto, default ../proto/bank/v1/bank.proto relative to this script).
 */

import { Counter } from "k6/metrics";
import grpc from "k6/net/grpc";
import { toGhzJson } from "../src/ghz/report-builder.ts";
import { formatGhzSummary } from "../src/ghz/summary-printer.ts";
import {
  ghzReportFromSummary,
  ghzScenario,
  ghzTrendStats,
  loadGhzSettings,
  okLatencyMetric,
  statusMetricNames,
} from "./lib/ghz-k6.ts";
import type { K6SummaryData } from "./lib/k6-summary.ts";

if (!__ENV.GHZ_CONFIG) {
  throw new Error(
    "set GHZ_CONFIG to a ghz JSON config file: k6 run -e GHZ_CONFIG=run.json loadtest/ghz.ts",
  );
}
// Init context: open() reads files only here.
const settings = loadGhzSettings(open(__ENV.GHZ_CONFIG), __ENV.HOST ? { host: __ENV.HOST } : {});
const method = settings.call.includes("/")
  ? settings.call
  : settings.call.replace(/\.([^.]+)$/, "/$1");
if (method.endsWith("/StreamClients")) {
  throw new Error("loadtest/ghz.ts runs unary methods only; use `loopstall ghz` for StreamClients");
}
const messages: object[] = Array.isArray(settings.data)
  ? (settings.data as object[])
  : [(settings.data as object | undefined) ?? {}];
// ghz's -t 0 means no timeout; k6 needs one.
const timeout = settings.timeoutNs > 0 ? `${Math.ceil(settings.timeoutNs / 1e6)}ms` : "1h";

const statusCounters = statusMetricNames.map((name) => new Counter(name));

const client = new grpc.Client();
const proto = __ENV.PROTO || "../proto/bank/v1/bank.proto";
client.load([], proto);
let connected = false;
let sent = 0;

export const options = {
  scenarios: { ghz: ghzScenario(settings, "call") },
  // Every statistic ghz reports: min, max, avg, p10 … p99, count.
  summaryTrendStats: ghzTrendStats,
  thresholds: {
    // Never fails: it only makes k6 keep the OK-only latency submetric.
    [okLatencyMetric]: ["max>=0"],
  },
};

export function call(): void {
  if (!connected) {
    client.connect(settings.host, {
      plaintext: true,
      timeout: `${Math.ceil(settings.dialTimeoutNs / 1e6)}ms`,
      maxReceiveSize: 512 * 1024 * 1024,
    });
    connected = true;
  }
  const message = messages[sent++ % messages.length] as object;
  const res = client.invoke(method, message, { timeout });
  statusCounters[res.status]?.add(1);
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  const report = ghzReportFromSummary(settings, data.metrics, {
    dateMs: Date.now(),
    durationMs: data.state.testRunDurationMs,
  });
  const text =
    settings.format === "summary"
      ? formatGhzSummary(report)
      : toGhzJson(report, settings.format === "pretty");
  return settings.output ? { [settings.output]: text } : { stdout: text };
}
