/**
 * Heavy-call throughput per wire format: the 40,000-client tree requested
 * back to back, one format after another, then a table of completed calls,
 * calls/s and latency per format. It shows what each encoding costs the
 * server (protobuf binary vs JSON vs REST JSON) without any probe.
 *
 * gRPC goes over k6/net/grpc (plain-text h2c); every other format over
 * k6/http, which cannot speak h2c, so over HTTP/1.1.
 *
 * Needs k6 v0.57 or later. Start the server first, from the repository root:
 *   npm start                                  # 127.0.0.1:8080
 * Then:
 *   k6 run loadtest/formats.ts
 *   k6 run -e FORMATS=grpc,connect-json -e SECONDS=20 loadtest/formats.ts
 *
 * Settings (environment, `-e NAME=value`): BASE_URL (http://127.0.0.1:8080),
 * GRPC_ADDR (127.0.0.1:8080), FORMATS (comma-separated; all five),
 * STRATEGY (inline|offload|stream|fast|offload-clone|offload-replica|slice), COUNT / ACCOUNTS_PER_CLIENT /
 * FILLED_STRINGS, VUS (2 concurrent heavy calls), SECONDS (10 per format),
 * GAP_SECONDS (2 between formats), TIMEOUT (60s per call), PROTO_DIR (the
 * folder holding bank/v1/bank.proto; absolute, or relative to the
 * directory k6 runs in; default the repository's proto/), RESULT_OUT (JSON
 * written too; default k6-formats.json).
 *
 * By design: each row names the strategy it ran with. gRPC with
 * STRATEGY=stream runs unary inline calls here (lib/formats-table.ts; use
 * concurrency.ts for gRPC StreamClients). Calls still in flight when a
 * format's SECONDS are up are cut (gracefulStop 0, src/contract/run-limits.ts) and
 * shown as `cut`, so calls/s covers SECONDS only. gRPC-Web calls and
 * Connect streams are read whole, as binary, so an error in their trailer
 * or end-of-stream frame counts (lib/late-status.ts).
 */
import { check } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { Counter, Trend } from "k6/metrics";
import grpc from "k6/net/grpc";
import { k6GracefulStopSeconds } from "../src/contract/run-limits.ts";
import {
  heavyGrpcCall,
  heavyHttpCall,
  parseFormat,
  parseStrategy,
  shapeFromEnv,
} from "../src/contract/scenario.ts";
import { type Format, formats } from "../src/contract/wire.ts";
import { formatsRow, formatsRunStrategy, formatsTable } from "./lib/formats-table.ts";
import { envNumber, type K6SummaryData } from "./lib/k6-summary.ts";
import { hasLateStatus, lateStatus } from "./lib/late-status.ts";
import { resolveFromWorkingDir } from "./lib/paths.ts";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:8080";
const GRPC_ADDR = __ENV.GRPC_ADDR || "127.0.0.1:8080";
const FORMATS: Format[] = __ENV.FORMATS
  ? __ENV.FORMATS.split(",").map((f) => parseFormat(f.trim()))
  : [...formats];
const STRATEGY = parseStrategy(__ENV.STRATEGY || "inline");
const SHAPE = shapeFromEnv(__ENV);
const VUS = envNumber(__ENV, "VUS", 2, 100);
const SECONDS = envNumber(__ENV, "SECONDS", 10, 1_800);
const GAP_SECONDS = envNumber(__ENV, "GAP_SECONDS", 2, 600);
const TIMEOUT = __ENV.TIMEOUT || "60s";
const RESULT_OUT = __ENV.RESULT_OUT || "k6-formats.json";

/** Metric names may only hold letters, digits and underscores. */
const metricKey = (format: Format) => format.replace(/-/g, "_");

// Init context: metrics per format.
const latency: Record<string, Trend> = {};
const ok: Record<string, Counter> = {};
const failed: Record<string, Counter> = {};
const started: Record<string, Counter> = {};
for (const format of FORMATS) {
  latency[format] = new Trend(`heavy_ms_${metricKey(format)}`, true);
  ok[format] = new Counter(`heavy_ok_${metricKey(format)}`);
  failed[format] = new Counter(`heavy_errors_${metricKey(format)}`);
  started[format] = new Counter(`heavy_started_${metricKey(format)}`);
}

// k6 resolves a relative import path against this script's folder: the
// default is relative to it, PROTO_DIR is made absolute (lib/paths.ts).
const client = FORMATS.includes("grpc") ? new grpc.Client() : undefined;
client?.load(
  [__ENV.PROTO_DIR ? resolveFromWorkingDir(__ENV.PROTO_DIR, "PROTO_DIR", __ENV.PWD) : "../proto"],
  "bank/v1/bank.proto",
);
let connected = false;

// One scenario per format, named after it, each starting when the previous
// one has ended (plus a gap and its graceful stop), so formats never overlap.
const scenarios: Record<string, object> = {};
FORMATS.forEach((format, i) => {
  scenarios[format] = {
    executor: "constant-vus",
    exec: "heavy",
    vus: VUS,
    duration: `${SECONDS}s`,
    startTime: `${i * (SECONDS + GAP_SECONDS + k6GracefulStopSeconds)}s`,
    gracefulStop: `${k6GracefulStopSeconds}s`,
  };
});

export const options = {
  discardResponseBodies: true,
  scenarios,
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(99)", "count"],
  thresholds: {
    // Informational: heavy calls should succeed in every format.
    checks: ["rate>0.99"],
  },
};

export function heavy(): void {
  const format = parseFormat(exec.scenario.name);
  started[format]?.add(1);
  const startedMs = Date.now();
  let success: boolean;
  if (format === "grpc") {
    if (!client) {
      throw new Error("gRPC client missing");
    }
    if (!connected) {
      client.connect(GRPC_ADDR, { plaintext: true, maxReceiveSize: 512 * 1024 * 1024 });
      connected = true;
    }
    const call = heavyGrpcCall(formatsRunStrategy(format, STRATEGY), SHAPE);
    const res = client.invoke(call.method, call.message, {
      metadata: call.metadata,
      timeout: TIMEOUT,
      // Only the status counts; k6 >= v0.54 skips turning it into a JS object.
      discardResponseMessage: true,
    });
    success = res.status === grpc.StatusOK;
  } else {
    const call = heavyHttpCall(format, STRATEGY, SHAPE);
    const body =
      call.body === undefined
        ? null
        : typeof call.body === "string"
          ? call.body
          : (call.body.slice().buffer as ArrayBuffer);
    const late = hasLateStatus(format, STRATEGY);
    const res = http.request(call.method, BASE_URL + call.path, body, {
      headers: call.headers,
      timeout: TIMEOUT,
      // Read whole (binary, never decoded) for the status in its last frame.
      ...(late && { responseType: "binary" as const }),
    });
    if (late && format !== "rest-json") {
      const bytes = res.body instanceof ArrayBuffer ? new Uint8Array(res.body) : null;
      success = lateStatus(format, res.status, res.headers, bytes).ok;
    } else {
      const grpcStatus = res.headers["Grpc-Status"];
      success = res.status === 200 && (grpcStatus === undefined || grpcStatus === "0");
    }
  }
  check(success, { "heavy ok": (v) => v });
  if (success) {
    ok[format]?.add(1);
    latency[format]?.add(Date.now() - startedMs);
  } else {
    failed[format]?.add(1);
  }
}

export function handleSummary(data: K6SummaryData): Record<string, string> {
  const rows = FORMATS.map((format) => {
    const key = metricKey(format);
    const count = (name: string) => data.metrics[`${name}_${key}`]?.values.count ?? 0;
    return formatsRow(
      format,
      STRATEGY,
      { started: count("heavy_started"), ok: count("heavy_ok"), errors: count("heavy_errors") },
      data.metrics[`heavy_ms_${key}`]?.values ?? {},
      SECONDS,
    );
  });
  return {
    stdout: `# heavy throughput, strategy ${STRATEGY} requested, ${VUS} VUs, ${SECONDS}s per format\n${formatsTable(rows)}`,
    [RESULT_OUT]: JSON.stringify(
      { requestedStrategy: STRATEGY, shape: SHAPE, vus: VUS, seconds: SECONDS, rows },
      null,
      2,
    ),
  };
}
