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
 * Start the server first, from the repository root:
 *   npm start                                  # 127.0.0.1:8080
 * Then:
 *   k6 run loadtest/concurrency.ts                            # connect-proto
 *   k6 run -e FORMAT=grpc -e STRATEGY=offload loadtest/concurrency.ts
 *
 * Settings (environment, `-e NAME=value`): BASE_URL (http://127.0.0.1:8080),
 * GRPC_ADDR (127.0.0.1:8080), FORMAT, STRATEGY (inline|offload|stream),
 * COUNT / ACCOUNTS_PER_CLIENT / FILLED_STRINGS (the tree shape), PROBE_VUS
 * (8), HEAVY_VUS (1), BASELINE_SECONDS (5), HEAVY_SECONDS (10),
 * COOLDOWN_SECONDS (5), TIMEOUT (60s per call), PROTO_DIR (../proto,
 * relative to this script), TIMELINE_OUT (file the timeline is also
 * written to; default k6-timeline-<format>-<strategy>.txt).
 *
 * Why counters per second: see lib/timeline.ts (handleSummary only sees
 * aggregated metrics, so each second gets its own Counter).
 */
import { check } from "k6";
import http from "k6/http";
import { Counter } from "k6/metrics";
import grpc from "k6/net/grpc";
import { envNumber, type K6SummaryData } from "./lib/k6-summary.ts";
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
} from "./lib/scenario.ts";
import {
  formatTimeline,
  secondIndex,
  type TimelineKind,
  timelineFromMetrics,
  timelineMetricName,
  timelineSeconds,
} from "./lib/timeline.ts";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:8080";
const GRPC_ADDR = __ENV.GRPC_ADDR || "127.0.0.1:8080";
const FORMAT = parseFormat(__ENV.FORMAT || "connect-proto");
const STRATEGY = parseStrategy(__ENV.STRATEGY || "inline");
const SHAPE = shapeFromEnv(__ENV);
const PROBE_VUS = envNumber(__ENV, "PROBE_VUS", 8, 1_000);
const HEAVY_VUS = envNumber(__ENV, "HEAVY_VUS", 1, 100);
const BASELINE_SECONDS = envNumber(__ENV, "BASELINE_SECONDS", 5, 600);
const HEAVY_SECONDS = envNumber(__ENV, "HEAVY_SECONDS", 10, 1_800);
const COOLDOWN_SECONDS = envNumber(__ENV, "COOLDOWN_SECONDS", 5, 600);
const TIMEOUT = __ENV.TIMEOUT || "60s";
const TIMELINE_OUT = __ENV.TIMELINE_OUT || `k6-timeline-${FORMAT}-${STRATEGY}.txt`;

const RUN_SECONDS = BASELINE_SECONDS + HEAVY_SECONDS + COOLDOWN_SECONDS;
/** Heavy calls still running at the end get up to this long to finish. */
const GRACEFUL_STOP_SECONDS = 60;
const SECONDS = timelineSeconds(RUN_SECONDS + GRACEFUL_STOP_SECONDS);

// Init context: k6 only allows metrics to be created here, so one Counter
// per planned second and kind.
const perSecond: Record<TimelineKind, Counter[]> = { probe: [], heavy: [] };
for (let i = 0; i < SECONDS; i++) {
  perSecond.probe.push(new Counter(timelineMetricName("probe", i)));
  perSecond.heavy.push(new Counter(timelineMetricName("heavy", i)));
}
const failed: Record<TimelineKind, Counter> = {
  probe: new Counter("probe_errors"),
  heavy: new Counter("heavy_errors"),
};

// gRPC: each VU loads the proto in the init context and connects once.
const client = FORMAT === "grpc" ? new grpc.Client() : undefined;
client?.load([__ENV.PROTO_DIR || "../proto"], "bank/v1/bank.proto");
let connected = false;

export const options = {
  // Heavy responses are megabytes; the script only needs status codes.
  discardResponseBodies: true,
  scenarios: {
    // The probe runs for the whole run: baseline, heavy phase, cooldown.
    probe: {
      executor: "constant-vus",
      exec: "probe",
      vus: PROBE_VUS,
      duration: `${RUN_SECONDS}s`,
    },
    // The heavy load starts after the baseline and stops before the cooldown.
    heavy: {
      executor: "constant-vus",
      exec: "heavy",
      vus: HEAVY_VUS,
      startTime: `${BASELINE_SECONDS}s`,
      duration: `${HEAVY_SECONDS}s`,
      gracefulStop: `${GRACEFUL_STOP_SECONDS}s`,
    },
  },
  thresholds: {
    // Informational: the probe should keep succeeding, however slowly.
    "checks{kind:probe}": ["rate>0.99"],
  },
};

interface SetupData {
  startMs: number;
}

/** The run's start, shared with every VU and handleSummary. */
export function setup(): SetupData {
  return { startMs: Date.now() };
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
  const done = (ok: boolean) => {
    check(ok, { [`${kind} ok`]: (v) => v }, { kind });
    if (!ok) {
      failed[kind].add(1);
      return;
    }
    const i = secondIndex(data.startMs, Date.now(), SECONDS);
    if (i !== undefined) {
      perSecond[kind][i]?.add(1);
    }
  };
  if ("stream" in call) {
    grpcCall(call, done);
  } else {
    const res = http.request(call.method, BASE_URL + call.path, bodyOf(call), {
      headers: call.headers,
      timeout: TIMEOUT,
      tags: { kind },
    });
    // Errors before the body arrive as a grpc-status header (trailers-only).
    const grpcStatus = res.headers["Grpc-Status"];
    done(res.status === 200 && (grpcStatus === undefined || grpcStatus === "0"));
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
  const params = { metadata: call.metadata, timeout: TIMEOUT };
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
  return {
    stdout: `# ${FORMAT} ${STRATEGY}: <epoch> <probe> <heavy>\n${timeline}${errors}`,
    [TIMELINE_OUT]: timeline,
  };
}
