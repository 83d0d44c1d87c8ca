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
 * Needs k6 v0.57 or later. Start the server first, from the repository root:
 *   npm start                                  # 127.0.0.1:8080
 * Write a config (ghz's long flag names as keys), e.g. live.json:
 *   {"call": "bank.v1.BankService.Live", "host": "127.0.0.1:8080",
 *    "insecure": true, "total": 2000, "concurrency": 8, "format": "pretty"}
 * Then, from the repository root:
 *   k6 run -e GHZ_CONFIG=live.json loadtest/ghz.ts
 *
 * Settings (environment): GHZ_CONFIG (required), HOST (overrides the
 * config's host), PROTO (the .proto; default the repository's
 * proto/bank/v1/bank.proto). GHZ_CONFIG, PROTO and the config's
 * `data-file` are absolute or relative to the directory k6 runs in (from
 * `__ENV.PWD`; see lib/paths.ts), as ghz reads them and as the config's
 * `output` is written, not relative to this script, as k6's open() and
 * client.load() would take them.
 */

import { Counter } from "k6/metrics";
import grpc from "k6/net/grpc";
import { toGhzJson } from "../src/ghz/go-format.ts";
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
import { protoLoadArgs, resolveFromWorkingDir } from "./lib/paths.ts";

if (!__ENV.GHZ_CONFIG) {
  throw new Error(
    "set GHZ_CONFIG to a ghz JSON config file: k6 run -e GHZ_CONFIG=run.json loadtest/ghz.ts",
  );
}
// Init context: open() reads files only here, and takes absolute paths as they are.
const fromWorkingDir = (path: string, what: string) => resolveFromWorkingDir(path, what, __ENV.PWD);
const settings = loadGhzSettings(
  open(fromWorkingDir(__ENV.GHZ_CONFIG, "GHZ_CONFIG")),
  __ENV.HOST ? { host: __ENV.HOST } : {},
);
const method = settings.call.includes("/")
  ? settings.call
  : settings.call.replace(/\.([^.]+)$/, "/$1");
if (method.endsWith("/StreamClients")) {
  throw new Error("loadtest/ghz.ts runs unary methods only; use `loopstall ghz` for StreamClients");
}
// `data` wins over `data-file`, as in `loopstall ghz`.
const data: unknown =
  settings.data === undefined && settings.dataFile
    ? JSON.parse(open(fromWorkingDir(settings.dataFile, "data-file")))
    : settings.data;
const messages: object[] = Array.isArray(data)
  ? (data as object[])
  : [(data as object | undefined) ?? {}];
// ghz's -t 0 means no timeout; k6 needs one.
const timeout = settings.timeoutNs > 0 ? `${Math.ceil(settings.timeoutNs / 1e6)}ms` : "1h";

const statusCounters = statusMetricNames.map((name) => new Counter(name));

const client = new grpc.Client();
if (__ENV.PROTO) {
  // An absolute file needs its folder as the import path (see lib/paths.ts).
  const { importPaths, file } = protoLoadArgs(fromWorkingDir(__ENV.PROTO, "PROTO"));
  client.load(importPaths, file);
} else {
  // Relative to this script, as k6 resolves import paths.
  client.load(["../proto"], "bank/v1/bank.proto");
}
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
  // Only the status counts; k6 >= v0.54 skips turning the response into a JS object.
  const res = client.invoke(method, message, { timeout, discardResponseMessage: true });
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
