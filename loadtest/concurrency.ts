/**
 * The seed's experiment in k6: a cheap probe runs all the time while a
 * heavy call (the 40,000-client tree) starts after a baseline, and the
 * script prints the seed's per-second timeline, `<epoch> <probe> <heavy>`
 * (requests completed in each wall-clock second), from handleSummary. When
 * the server serializes on its event loop, the probe column collapses while
 * heavy calls run.
 *
 * One format per run: FORMAT=grpc uses k6/net/grpc (plain-text h2c) for
 * both calls; every other format uses k6/http, which cannot speak h2c, so
 * those calls go over HTTP/1.1 (connect-proto, connect-json, grpc-web,
 * rest-json). Each k6 VU has its own connection.
 *
 * Needs k6 v0.57 or later (TypeScript without flags; see
 * src/contract/run-limits.ts, minK6Version). Start the server first, from the
 * repository root:
 *   npm start                                  # 127.0.0.1:8080
 * Then:
 *   k6 run loadtest/concurrency.ts                            # connect-proto
 *   k6 run -e FORMAT=grpc -e STRATEGY=offload loadtest/concurrency.ts
 *
 * Settings (environment, `-e NAME=value`): BASE_URL (http://127.0.0.1:8080),
 * GRPC_ADDR (127.0.0.1:8080), FORMAT, STRATEGY (inline|offload|stream|fast|offload-clone|offload-replica|slice),
 * COUNT / ACCOUNTS_PER_CLIENT / FILLED_STRINGS (the tree shape), PROBE_VUS
 * (8), HEAVY_VUS (1), BASELINE_SECONDS (5), HEAVY_SECONDS (10),
 * COOLDOWN_SECONDS (5; the phases within src/contract/run-limits.ts's phaseLimits,
 * the CLI's), TIMEOUT (60s per call), PROBE_TIMEOUT (per probe call;
 * default TIMEOUT), PROTO_DIR (the folder holding bank/v1/bank.proto;
 * absolute, or relative to the directory k6 runs in; default the
 * repository's proto/),
 * TIMELINE_OUT (file the timeline is also written to; default
 * k6-timeline-<format>-<strategy>.txt), RESULT_OUT (if set, a JSON result
 * for the experiment's k6 engine is written there: the timeline, probe
 * rates and p50/p99 per phase, heavy completions, errors and bytes; see
 * lib/cell-result.ts; `-` prints it on stdout instead, on one line after
 * src/contract/k6-result-marker.ts's prefix, for k6-operator runners whose
 * logs `loopstall k6-merge` combines).
 *
 * Why counters per second: see lib/timeline.ts (handleSummary only sees
 * aggregated metrics, so each second gets its own Counter).
 *
 * By design: when the heavy phase ends, heavy calls still in flight are
 * cut at once (gracefulStop 0, src/contract/run-limits.ts) and counted as
 * `cancelled` (lib/cell-result.ts), as the embedded engine cancels them.
 * gRPC-Web calls and Connect streams are read whole (as binary, never
 * decoded) so the status in their trailer or end-of-stream frame counts
 * (lib/late-status.ts); every other heavy body is discarded, and gRPC
 * responses are discarded by k6 (`discardResponseMessage`).
 */
import { check } from "k6";
import http from "k6/http";
import { Counter, Trend } from "k6/metrics";
import grpc from "k6/net/grpc";
import { k6ResultMarker } from "../src/contract/k6-result-marker.ts";
import { type Phase, phaseAt, phaseNames } from "../src/contract/phases.ts";
import { k6GracefulStopSeconds, k6VuLimits } from "../src/contract/run-limits.ts";
import {
  type GrpcCall,
  type HttpCall,
  heavyGrpcCall,
  heavyHttpCall,
  parseFormat,
  parseStrategy,
  probeGrpcCall,
  probeHttpCall,
  shapeFromEnv,
} from "../src/contract/scenario.ts";
import {
  buildCellResult,
  heavyOutcome,
  probeDurationMetric,
  probeOkMetric,
  resultMetrics,
  resultTrendStats,
} from "./lib/cell-result.ts";
import { envNumber, type K6SummaryData, phasesFromEnv } from "./lib/k6-summary.ts";
import { hasLateStatus, lateStatus } from "./lib/late-status.ts";
import { resolveFromWorkingDir } from "./lib/paths.ts";
import {
  formatTimeline,
  secondIndex,
  type TimelineKind,
  timelineFromMetrics,
  timelineMetricName,
  timelineSeconds,
} from "./lib/timeline.ts";

// k6 has a console global; @types/k6 does not declare it.
declare const console: { log(...values: unknown[]): void };

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:8080";
const GRPC_ADDR = __ENV.GRPC_ADDR || "127.0.0.1:8080";
const FORMAT = parseFormat(__ENV.FORMAT || "connect-proto");
const STRATEGY = parseStrategy(__ENV.STRATEGY || "inline");
const SHAPE = shapeFromEnv(__ENV);
const PROBE_VUS = envNumber(__ENV, "PROBE_VUS", 8, k6VuLimits.probe, 1);
const HEAVY_VUS = envNumber(__ENV, "HEAVY_VUS", 1, k6VuLimits.heavy, 1);
// The CLI's limits too (src/contract/run-limits.ts), so --engine k6 never passes a
// phase this script refuses.
const PHASES = phasesFromEnv(__ENV);
const BASELINE_SECONDS = PHASES.baselineS;
const HEAVY_SECONDS = PHASES.heavyS;
const COOLDOWN_SECONDS = PHASES.recoveryS;
const TIMEOUT = __ENV.TIMEOUT || "60s";
const PROBE_TIMEOUT = __ENV.PROBE_TIMEOUT || TIMEOUT;
const RESULT_OUT = __ENV.RESULT_OUT || "";
const TIMELINE_OUT = __ENV.TIMELINE_OUT || `k6-timeline-${FORMAT}-${STRATEGY}.txt`;

const RUN_SECONDS = BASELINE_SECONDS + HEAVY_SECONDS + COOLDOWN_SECONDS;
/** 0: heavy calls still running when their phase ends are cut then (src/contract/run-limits.ts). */
const GRACEFUL_STOP_SECONDS = k6GracefulStopSeconds;
const SECONDS = timelineSeconds(RUN_SECONDS + GRACEFUL_STOP_SECONDS);
/** Heavy HTTP calls whose status comes at the end of the body (lib/late-status.ts). */
const LATE_STATUS = FORMAT !== "grpc" && hasLateStatus(FORMAT, STRATEGY);

// Init context: k6 only allows metrics to be created here, so one Counter
// per planned second and kind.
const perSecond: Record<TimelineKind, Counter[]> = { probe: [], heavy: [] };
for (let i = 0; i < SECONDS; i++) {
  perSecond.probe.push(new Counter(timelineMetricName("probe", i)));
  perSecond.heavy.push(new Counter(timelineMetricName("heavy", i)));
}
const failed: Record<TimelineKind, Counter> = {
  probe: new Counter(resultMetrics.probeErrors),
  heavy: new Counter(resultMetrics.heavyErrors),
};
// Per phase (see lib/cell-result.ts): probe latencies by the phase a call
// started in, successful probe calls by the phase they completed in.
const probeDuration = {} as Record<Phase, Trend>;
const probeOk = {} as Record<Phase, Counter>;
for (const phase of phaseNames) {
  probeDuration[phase] = new Trend(probeDurationMetric(phase), true);
  probeOk[phase] = new Counter(probeOkMetric(phase));
}
const heavyOk = new Counter(resultMetrics.heavyOk);
const heavyStarted = new Counter(resultMetrics.heavyStarted);
const heavyCancelled = new Counter(resultMetrics.heavyCancelled);
const heavyBytes = new Counter(resultMetrics.heavyBytes);

// gRPC: each VU loads the proto in the init context and connects once.
// k6 resolves a relative import path against this script's folder, so the
// default is relative to it and PROTO_DIR is made absolute (lib/paths.ts).
const client = FORMAT === "grpc" ? new grpc.Client() : undefined;
client?.load(
  [__ENV.PROTO_DIR ? resolveFromWorkingDir(__ENV.PROTO_DIR, "PROTO_DIR", __ENV.PWD) : "../proto"],
  "bank/v1/bank.proto",
);
let connected = false;

export const options = {
  // Heavy responses are megabytes; the script only needs status codes (the
  // late-status calls ask for their body per request).
  discardResponseBodies: true,
  scenarios: {
    // The probe runs for the whole run: baseline, heavy phase, cooldown.
    probe: {
      executor: "constant-vus",
      exec: "probe",
      vus: PROBE_VUS,
      duration: `${RUN_SECONDS}s`,
      gracefulStop: `${GRACEFUL_STOP_SECONDS}s`,
    },
    // The heavy load starts after the baseline and stops before the cooldown;
    // calls in flight then are cut (gracefulStop 0) and count as cancelled.
    heavy: {
      executor: "constant-vus",
      exec: "heavy",
      vus: HEAVY_VUS,
      startTime: `${BASELINE_SECONDS}s`,
      duration: `${HEAVY_SECONDS}s`,
      gracefulStop: `${GRACEFUL_STOP_SECONDS}s`,
    },
  },
  // p(50) and p(99) of the per-phase probe Trends, for RESULT_OUT.
  summaryTrendStats: resultTrendStats,
  thresholds: {
    // Informational: the probe should keep succeeding, however slowly.
    "checks{kind:probe}": ["rate>0.99"],
    // Never fails: it only makes k6 keep the heavy scenario's bytes submetric.
    [resultMetrics.heavyDataReceived]: ["count>=0"],
  },
};

interface SetupData {
  startMs: number;
}

/** The run's start, shared with every VU and handleSummary. */
export function setup(): SetupData {
  const startMs = Date.now();
  // The experiment's k6 engine times its /metrics scrapes from this line.
  console.log(`loopstall-start ${startMs}`);
  return { startMs };
}

export function probe(data: SetupData): void {
  run("probe", data, FORMAT === "grpc" ? probeGrpcCall : probeHttpCall(FORMAT));
}

export function heavy(data: SetupData): void {
  run(
    "heavy",
    data,
    FORMAT === "grpc" ? heavyGrpcCall(STRATEGY, SHAPE) : heavyHttpCall(FORMAT, STRATEGY, SHAPE),
  );
}

function run(kind: TimelineKind, data: SetupData, call: GrpcCall | HttpCall): void {
  const startedMs = Date.now();
  if (kind === "heavy") {
    heavyStarted.add(1);
  }
  const done = (ok: boolean, bytes?: number) => {
    const now = Date.now();
    if (kind === "probe") {
      probeDuration[phaseAt(data.startMs, startedMs, BASELINE_SECONDS, HEAVY_SECONDS)].add(
        now - startedMs,
      );
    } else if (
      heavyOutcome(ok, data.startMs, now, BASELINE_SECONDS, HEAVY_SECONDS) === "cancelled"
    ) {
      // Cut by the end of the heavy phase: neither a check nor an error.
      heavyCancelled.add(1);
      return;
    }
    check(ok, { [`${kind} ok`]: (v) => v }, { kind });
    if (!ok) {
      failed[kind].add(1);
      return;
    }
    if (kind === "probe") {
      probeOk[phaseAt(data.startMs, now, BASELINE_SECONDS, HEAVY_SECONDS)].add(1);
    } else {
      heavyOk.add(1);
      if (bytes !== undefined && bytes > 0) {
        heavyBytes.add(bytes);
      }
    }
    const i = secondIndex(data.startMs, now, SECONDS);
    if (i !== undefined) {
      perSecond[kind][i]?.add(1);
    }
  };
  if ("stream" in call) {
    grpcCall(call, done);
  } else {
    const late = kind === "heavy" && LATE_STATUS;
    const res = http.request(call.method, BASE_URL + call.path, bodyOf(call), {
      headers: call.headers,
      timeout: kind === "probe" ? PROBE_TIMEOUT : TIMEOUT,
      tags: { kind },
      // The body is needed for its last frame; binary, so k6 never decodes it.
      ...(late && { responseType: "binary" as const }),
    });
    if (late && FORMAT !== "rest-json") {
      const body = res.body instanceof ArrayBuffer ? new Uint8Array(res.body) : null;
      done(lateStatus(FORMAT, res.status, res.headers, body).ok, body?.byteLength);
      return;
    }
    // Errors before the body arrive as a grpc-status header (trailers-only).
    const grpcStatus = res.headers["Grpc-Status"];
    // Bodies are discarded; the size comes from Content-Length when sent.
    const length = Number(res.headers["Content-Length"]);
    done(
      res.status === 200 && (grpcStatus === undefined || grpcStatus === "0"),
      Number.isFinite(length) ? length : undefined,
    );
  }
}

function grpcCall(call: GrpcCall, done: (ok: boolean) => void): void {
  if (!client) {
    throw new Error("gRPC client missing (FORMAT is not grpc)");
  }
  if (!connected) {
    // Heavy responses are far above gRPC's 4 MiB default.
    client.connect(GRPC_ADDR, { plaintext: true, maxReceiveSize: 512 * 1024 * 1024 });
    connected = true;
  }
  const params = {
    metadata: call.metadata,
    timeout: call.method === probeGrpcCall.method ? PROBE_TIMEOUT : TIMEOUT,
    // Only the status counts: k6 would otherwise turn every 40,000-client
    // response into a JS object, on the server's cores (k6 >= v0.54).
    discardResponseMessage: true,
  };
  if (!call.stream) {
    const res = client.invoke(call.method, call.message, params);
    done(res.status === grpc.StatusOK);
    return;
  }
  // StreamClients: the call completes on the stream's end (or error).
  const stream = new grpc.Stream(client, call.method, params);
  let failedOnce = false;
  stream.on("error", () => {
    failedOnce = true;
    done(false);
  });
  stream.on("end", () => {
    if (!failedOnce) {
      done(true);
    }
  });
  stream.write(call.message);
  stream.end();
}

/** k6/http takes binary bodies as ArrayBuffer. */
function bodyOf(call: HttpCall): string | ArrayBuffer | null {
  if (call.body === undefined) {
    return null;
  }
  if (typeof call.body === "string") {
    return call.body;
  }
  return call.body.slice().buffer as ArrayBuffer;
}

export function handleSummary(data: K6SummaryData<SetupData>): Record<string, string> {
  const startMs = data.setup_data?.startMs ?? Date.now() - data.state.testRunDurationMs;
  const rows = timelineFromMetrics(
    data.metrics,
    startMs,
    startMs + data.state.testRunDurationMs,
    SECONDS,
  );
  const timeline = formatTimeline(rows);
  const errors = `probe errors: ${data.metrics.probe_errors?.values.count ?? 0}, heavy errors: ${
    data.metrics.heavy_errors?.values.count ?? 0
  }\n`;
  const files: Record<string, string> = {
    stdout: `# ${FORMAT} ${STRATEGY}: <epoch> <probe> <heavy>\n${timeline}${errors}`,
    [TIMELINE_OUT]: timeline,
  };
  if (RESULT_OUT) {
    const result = buildCellResult(data, {
      format: FORMAT,
      strategy: STRATEGY,
      baselineS: BASELINE_SECONDS,
      heavyS: HEAVY_SECONDS,
      recoveryS: COOLDOWN_SECONDS,
      seconds: SECONDS,
    });
    if (RESULT_OUT === "-") {
      files.stdout += `${k6ResultMarker}${JSON.stringify(result)}\n`;
    } else {
      files[RESULT_OUT] = `${JSON.stringify(result, null, 2)}\n`;
    }
  }
  return files;
}
