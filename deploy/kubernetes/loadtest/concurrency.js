// Bundled from loadtest/concurrency.ts by `npm run generate:deploy` (esbuild); do not edit.

// loadtest/concurrency.ts
import { check } from "k6";
import http from "k6/http";
import { Counter, Trend } from "k6/metrics";
import grpc from "k6/net/grpc";

// src/contract/k6-result-marker.ts
var k6ResultMarker = "loopstall-k6-result ";

// src/contract/phases.ts
var phaseNames = ["baseline", "heavy", "recovery"];
function phaseAt(startMs, nowMs, baselineS, heavyS) {
  const elapsedMs = nowMs - startMs;
  if (elapsedMs < baselineS * 1e3) {
    return "baseline";
  }
  return elapsedMs < (baselineS + heavyS) * 1e3 ? "heavy" : "recovery";
}

// src/contract/run-limits.ts
var phaseLimits = {
  baselineS: { min: 0, max: 3600 },
  heavyS: { min: 1, max: 3600 },
  recoveryS: { min: 0, max: 3600 }
};
var maxRunSeconds = phaseLimits.baselineS.max + phaseLimits.heavyS.max + phaseLimits.recoveryS.max;
var k6VuLimits = { probe: 1e3, heavy: 100 };
var k6GracefulStopSeconds = 0;

// src/contract/shape.ts
var defaultShape = {
  count: 4e4,
  accountsPerClient: 1,
  filledStrings: 3
};
var defaultShapeLimits = {
  maxCount: 2e5,
  maxAccountsPerClient: 10,
  maxTotalAccounts: 4e5,
  maxPageSize: 1e4,
  maxResponseBytes: 128 * 2 ** 20
};

// src/contract/wire.ts
var formats = ["connect-proto", "connect-json", "grpc", "grpc-web", "rest-json"];
var strategies = [
  "inline",
  "offload",
  "stream",
  "fast",
  "offload-clone",
  "offload-replica",
  "slice"
];
var strategyHeader = "loopstall-strategy";
var serviceName = "bank.v1.BankService";
var grpcMethods = {
  probe: `${serviceName}/Live`,
  heavy: `${serviceName}/ListClients`,
  heavyStream: `${serviceName}/StreamClients`
};
var restPaths = {
  probe: "/.well-known/live",
  heavy: "/v1/clients"
};

// src/contract/scenario.ts
function heavyMessage(shape) {
  const message = {
    shape: {
      count: shape.count,
      accountsPerClient: shape.accountsPerClient,
      filledStrings: shape.filledStrings
    }
  };
  return message;
}
function heavyHttpCall(format, strategy, shape) {
  const headers = { [strategyHeader]: strategy };
  const stream = strategy === "stream";
  if (format === "rest-json") {
    let query = `count=${shape.count}&accounts_per_client=${shape.accountsPerClient}&filled_strings=${shape.filledStrings}`;
    if (stream) {
      query += "&strategy=stream";
    }
    return { method: "GET", path: `${restPaths.heavy}?${query}`, headers };
  }
  const path = `/${stream ? grpcMethods.heavyStream : grpcMethods.heavy}`;
  const binary = encodeHeavyRequest(shape);
  if (format === "grpc-web") {
    headers["content-type"] = "application/grpc-web+proto";
    headers["x-grpc-web"] = "1";
    return { method: "POST", path, headers, body: envelope(binary) };
  }
  headers["connect-protocol-version"] = "1";
  if (format === "connect-json") {
    const json = JSON.stringify(heavyMessage(shape));
    headers["content-type"] = stream ? "application/connect+json" : "application/json";
    return { method: "POST", path, headers, body: stream ? envelope(utf8(json)) : json };
  }
  headers["content-type"] = stream ? "application/connect+proto" : "application/proto";
  return { method: "POST", path, headers, body: stream ? envelope(binary) : binary };
}
function heavyGrpcCall(strategy, shape) {
  const stream = strategy === "stream";
  return {
    method: stream ? grpcMethods.heavyStream : grpcMethods.heavy,
    message: heavyMessage(shape),
    metadata: { [strategyHeader]: strategy },
    stream
  };
}
function probeHttpCall(format) {
  if (format === "rest-json") {
    return { method: "GET", path: restPaths.probe, headers: {} };
  }
  return {
    method: "POST",
    path: `/${grpcMethods.probe}`,
    headers: { "connect-protocol-version": "1", "content-type": "application/proto" },
    body: new Uint8Array(0)
  };
}
var probeGrpcCall = {
  method: grpcMethods.probe,
  message: {},
  metadata: {},
  stream: false
};
function encodeHeavyRequest(shape) {
  const inner = [
    ...varintField(1, shape.count),
    ...varintField(2, shape.accountsPerClient),
    ...varintField(3, shape.filledStrings)
  ];
  return Uint8Array.from([...tag(1, 2), ...varint(inner.length), ...inner]);
}
function envelope(message, flags = 0) {
  const out = new Uint8Array(message.length + 5);
  const n = message.length;
  out[0] = flags;
  out[1] = n >>> 24 & 255;
  out[2] = n >>> 16 & 255;
  out[3] = n >>> 8 & 255;
  out[4] = n & 255;
  out.set(message, 5);
  return out;
}
function varintField(field, value) {
  return [...tag(field, 0), ...varint(value)];
}
function tag(field, wireType) {
  return varint(field * 8 + wireType);
}
function varint(value) {
  if (!Number.isInteger(value) || value < 0 || value > 4294967295) {
    throw new RangeError(`expected a uint32, got ${value}`);
  }
  const out = [];
  let v = value;
  while (v >= 128) {
    out.push(v % 128 | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
function utf8(text) {
  const out = [];
  for (const char of text) {
    const c = char.codePointAt(0);
    if (c < 128) {
      out.push(c);
    } else if (c < 2048) {
      out.push(192 | c >> 6, 128 | c & 63);
    } else if (c < 65536) {
      out.push(224 | c >> 12, 128 | c >> 6 & 63, 128 | c & 63);
    } else {
      out.push(
        240 | c >> 18,
        128 | c >> 12 & 63,
        128 | c >> 6 & 63,
        128 | c & 63
      );
    }
  }
  return Uint8Array.from(out);
}
function shapeFromEnv(env) {
  const read = (name, fallback) => {
    const text = env[name];
    if (text === void 0 || text === "") {
      return fallback;
    }
    if (!/^\d+$/.test(text)) {
      throw new Error(`${name} must be a whole number, got "${text}"`);
    }
    return Number(text);
  };
  return {
    count: read("COUNT", defaultShape.count),
    accountsPerClient: read("ACCOUNTS_PER_CLIENT", defaultShape.accountsPerClient),
    filledStrings: read("FILLED_STRINGS", defaultShape.filledStrings)
  };
}
function parseFormat(text) {
  if (formats.includes(text)) {
    return text;
  }
  throw new Error(`unknown format "${text}": use one of ${formats.join(", ")}`);
}
function parseStrategy(text) {
  if (strategies.includes(text)) {
    return text;
  }
  throw new Error(`unknown strategy "${text}": use one of ${strategies.join(", ")}`);
}

// loadtest/lib/timeline.ts
var maxTimelineSeconds = maxRunSeconds + k6GracefulStopSeconds + 5;
function timelineMetricName(kind, index) {
  return `timeline_${kind}_${index}`;
}
function timelineSeconds(plannedSeconds) {
  if (!(plannedSeconds >= 0)) {
    throw new RangeError(`planned run length must be \u2265 0 s, got ${plannedSeconds}`);
  }
  return Math.min(maxTimelineSeconds, Math.ceil(plannedSeconds) + 5);
}
function secondIndex(startMs, nowMs, seconds) {
  const index = Math.floor(nowMs / 1e3) - Math.floor(startMs / 1e3);
  return index >= 0 && index < seconds ? index : void 0;
}
function timelineFromMetrics(metrics, startMs, endMs, seconds) {
  const first = Math.floor(startMs / 1e3);
  const last = Math.min(Math.floor(endMs / 1e3) - first, seconds - 1);
  const count = (kind, i) => metrics[timelineMetricName(kind, i)]?.values.count ?? 0;
  const rows = [];
  for (let i = 0; i <= last; i++) {
    rows.push({ epoch: first + i, probe: count("probe", i), heavy: count("heavy", i) });
  }
  return rows;
}
function formatTimeline(rows) {
  return rows.map((r) => `${r.epoch} ${r.probe} ${r.heavy}
`).join("");
}

// loadtest/lib/cell-result.ts
function probeDurationMetric(phase) {
  return `probe_duration_${phase}`;
}
function probeOkMetric(phase) {
  return `probe_ok_${phase}`;
}
var resultMetrics = {
  probeErrors: "probe_errors",
  heavyErrors: "heavy_errors",
  heavyOk: "heavy_ok",
  /** Heavy calls started (added before each call). */
  heavyStarted: "heavy_started",
  /** Heavy calls that failed once the heavy phase had ended: cut by its end. */
  heavyCancelled: "heavy_cancelled",
  /** Body bytes of successful heavy responses, from Content-Length where the server sends it. */
  heavyBytes: "heavy_bytes",
  /**
   * Bytes k6 received in the heavy scenario (headers and framing included);
   * the fallback when no heavy response had a Content-Length (gRPC, streams).
   * A submetric: the script's threshold on it makes k6 keep it.
   */
  heavyDataReceived: "data_received{scenario:heavy}"
};
var resultTrendStats = ["avg", "min", "med", "max", "p(50)", "p(99)", "count"];
function heavyOutcome(ok, startMs, nowMs, baselineS, heavyS) {
  if (ok) {
    return "ok";
  }
  return phaseAt(startMs, nowMs, baselineS, heavyS) === "recovery" ? "cancelled" : "error";
}
function buildCellResult(data, settings) {
  const { metrics } = data;
  const durationMs = data.state.testRunDurationMs;
  const startMs = data.setup_data?.startMs ?? Date.now() - durationMs;
  const endMs = startMs + durationMs;
  const value = (name, stat) => finite(metrics[name], stat);
  const count = (name) => value(name, "count");
  const first = Math.floor(startMs / 1e3);
  const timeline = timelineFromMetrics(metrics, startMs, endMs, settings.seconds).map((row) => ({
    t: row.epoch - first,
    ...row
  }));
  const baselineEnd = Math.min(settings.baselineS * 1e3, durationMs);
  const heavyEnd = Math.min((settings.baselineS + settings.heavyS) * 1e3, durationMs);
  const bounds = {
    baseline: [0, baselineEnd],
    heavy: [baselineEnd, heavyEnd],
    recovery: [heavyEnd, durationMs]
  };
  const phaseStats = (phase) => {
    const [from, to] = bounds[phase];
    const completed = count(probeOkMetric(phase));
    const trend = probeDurationMetric(phase);
    return {
      completed,
      rps: completed / Math.max(1e-3, (to - from) / 1e3),
      p50Ms: value(trend, "p(50)") || value(trend, "med"),
      p99Ms: value(trend, "p(99)"),
      maxMs: value(trend, "max")
    };
  };
  const heavyCompleted = count(resultMetrics.heavyOk);
  const heavyErrors = count(resultMetrics.heavyErrors);
  const failedCut = count(resultMetrics.heavyCancelled);
  const neverEnded = Math.max(
    0,
    count(resultMetrics.heavyStarted) - heavyCompleted - heavyErrors - failedCut
  );
  const contentBytes = count(resultMetrics.heavyBytes);
  const totalBytes = contentBytes > 0 ? contentBytes : count(resultMetrics.heavyDataReceived);
  const heavySeconds = Math.max(1e-3, (heavyEnd - baselineEnd) / 1e3);
  const origin = first * 1e3;
  return {
    kind: "loopstall-k6-result",
    version: 1,
    format: settings.format,
    strategy: settings.strategy,
    startedAt: startMs,
    endedAt: endMs,
    timeline,
    phases: {
      heavyStart: (startMs + baselineEnd - origin) / 1e3,
      heavyEnd: (startMs + heavyEnd - origin) / 1e3
    },
    probe: {
      baseline: phaseStats("baseline"),
      heavy: phaseStats("heavy"),
      recovery: phaseStats("recovery"),
      errors: count(resultMetrics.probeErrors)
    },
    heavy: {
      completed: heavyCompleted,
      errors: heavyErrors,
      cancelled: failedCut + neverEnded,
      responseBytes: heavyCompleted > 0 ? Math.round(totalBytes / heavyCompleted) : 0,
      totalBytes: heavyCompleted > 0 ? totalBytes : 0,
      rps: heavyCompleted / heavySeconds,
      mbPerS: heavyCompleted > 0 ? totalBytes / 1e6 / heavySeconds : 0
    },
    workerSpread: {},
    errorSamples: []
  };
}
function finite(metric, stat) {
  const v = metric?.values[stat];
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

// loadtest/lib/k6-summary.ts
function envNumber(env, name, fallback, max, min = 0) {
  const text = env[name];
  if (text === void 0 || text === "") {
    return fallback;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
function phasesFromEnv(env) {
  const read = (name, fallback, phase) => envNumber(env, name, fallback, phaseLimits[phase].max, phaseLimits[phase].min);
  return {
    baselineS: read("BASELINE_SECONDS", 5, "baselineS"),
    heavyS: read("HEAVY_SECONDS", 10, "heavyS"),
    recoveryS: read("COOLDOWN_SECONDS", 5, "recoveryS")
  };
}

// loadtest/lib/late-status.ts
var connectEndStreamFlag = 2;
var grpcWebTrailerFlag = 128;
function hasLateStatus(format, strategy) {
  if (format === "grpc-web") {
    return true;
  }
  return (format === "connect-proto" || format === "connect-json") && strategy === "stream";
}
function lateStatus(format, httpStatus, headers, body) {
  if (httpStatus !== 200) {
    return { ok: false, code: `HTTP ${httpStatus}` };
  }
  const frames = scanFrames(body ?? new Uint8Array(0));
  if (frames === void 0) {
    return { ok: false, code: "Internal", message: "response ended inside a frame" };
  }
  if (format === "grpc-web") {
    const trailer = frames.find((f) => (f.flags & grpcWebTrailerFlag) !== 0);
    const fields = trailer ? parseTrailer(decodeUtf8(trailer.payload)) : lowerKeys(headers);
    return grpcStatus(fields);
  }
  const end = frames.find((f) => (f.flags & connectEndStreamFlag) !== 0);
  if (end === void 0) {
    return {
      ok: false,
      code: "Internal",
      message: "stream ended without an end-of-stream message"
    };
  }
  let parsed;
  try {
    parsed = end.payload.length === 0 ? {} : JSON.parse(decodeUtf8(end.payload));
  } catch {
    return { ok: false, code: "Internal", message: "end-of-stream message is not JSON" };
  }
  const error = parsed?.error;
  if (error === void 0 || error === null) {
    return { ok: true };
  }
  return {
    ok: false,
    code: typeof error.code === "string" ? error.code : "unknown",
    ...typeof error.message === "string" && { message: error.message }
  };
}
function scanFrames(body) {
  const frames = [];
  let offset = 0;
  while (offset < body.length) {
    if (offset + 5 > body.length) {
      return void 0;
    }
    const flags = body[offset];
    const length = body[offset + 1] * 16777216 + (body[offset + 2] << 16) + (body[offset + 3] << 8) + body[offset + 4];
    const start = offset + 5;
    const end = start + length;
    if (end > body.length) {
      return void 0;
    }
    const control = (flags & (connectEndStreamFlag | grpcWebTrailerFlag)) !== 0;
    frames.push({ flags, payload: control ? body.subarray(start, end) : new Uint8Array(0) });
    offset = end;
  }
  return frames;
}
function parseTrailer(text) {
  const fields = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  return fields;
}
function grpcStatus(fields) {
  const status = fields["grpc-status"];
  if (status === void 0) {
    return { ok: false, code: "Internal", message: "missing grpc-status" };
  }
  if (status === "0") {
    return { ok: true };
  }
  const message = fields["grpc-message"];
  return {
    ok: false,
    code: `grpc-status ${status}`,
    ...message !== void 0 && { message: safeDecodeURIComponent(message) }
  };
}
function lowerKeys(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== void 0) {
      out[name.toLowerCase()] = value;
    }
  }
  return out;
}
function safeDecodeURIComponent(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
function decodeUtf8(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const need = b < 128 ? 0 : b < 194 ? -1 : b < 224 ? 1 : b < 240 ? 2 : b < 245 ? 3 : -1;
    if (need < 0) {
      out += "\uFFFD";
      i++;
      continue;
    }
    let c = need === 0 ? b : b & 63 >> need;
    let j = 1;
    for (; j <= need; j++) {
      const next = bytes[i + j];
      if (next === void 0 || (next & 192) !== 128) {
        break;
      }
      c = c << 6 | next & 63;
    }
    if (j <= need) {
      out += "\uFFFD";
      i += j;
      continue;
    }
    out += c > 1114111 ? "\uFFFD" : String.fromCodePoint(c);
    i += need + 1;
  }
  return out;
}

// loadtest/lib/paths.ts
function isAbsolutePath(path) {
  return /^(?:[/\\]|[A-Za-z]:[/\\])/.test(path);
}
function resolveFromWorkingDir(path, what, workingDir) {
  if (path === "") {
    throw new Error(`${what} is empty`);
  }
  if (isAbsolutePath(path)) {
    return normalizePath(path);
  }
  if (workingDir === void 0 || !isAbsolutePath(workingDir)) {
    throw new Error(
      `${what}=${path} is relative and k6's working directory is unknown (no PWD in the environment); give an absolute path, e.g. -e ${what}=$PWD/${path}`
    );
  }
  return normalizePath(`${workingDir.replace(/[/\\]+$/, "")}/${path}`);
}
function normalizePath(path) {
  const drive = /^[A-Za-z]:/.exec(path)?.[0] ?? "";
  const parts = [];
  for (const part of path.slice(drive.length).split(/[/\\]+/)) {
    if (part === "" || part === ".") {
      continue;
    }
    if (part === "..") {
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return `${drive}/${parts.join("/")}`;
}

// loadtest/concurrency.ts
var BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:8080";
var GRPC_ADDR = __ENV.GRPC_ADDR || "127.0.0.1:8080";
var FORMAT = parseFormat(__ENV.FORMAT || "connect-proto");
var STRATEGY = parseStrategy(__ENV.STRATEGY || "inline");
var SHAPE = shapeFromEnv(__ENV);
var PROBE_VUS = envNumber(__ENV, "PROBE_VUS", 8, k6VuLimits.probe, 1);
var HEAVY_VUS = envNumber(__ENV, "HEAVY_VUS", 1, k6VuLimits.heavy, 1);
var PHASES = phasesFromEnv(__ENV);
var BASELINE_SECONDS = PHASES.baselineS;
var HEAVY_SECONDS = PHASES.heavyS;
var COOLDOWN_SECONDS = PHASES.recoveryS;
var TIMEOUT = __ENV.TIMEOUT || "60s";
var PROBE_TIMEOUT = __ENV.PROBE_TIMEOUT || TIMEOUT;
var RESULT_OUT = __ENV.RESULT_OUT || "";
var TIMELINE_OUT = __ENV.TIMELINE_OUT || `k6-timeline-${FORMAT}-${STRATEGY}.txt`;
var RUN_SECONDS = BASELINE_SECONDS + HEAVY_SECONDS + COOLDOWN_SECONDS;
var GRACEFUL_STOP_SECONDS = k6GracefulStopSeconds;
var SECONDS = timelineSeconds(RUN_SECONDS + GRACEFUL_STOP_SECONDS);
var LATE_STATUS = FORMAT !== "grpc" && hasLateStatus(FORMAT, STRATEGY);
var perSecond = { probe: [], heavy: [] };
for (let i = 0; i < SECONDS; i++) {
  perSecond.probe.push(new Counter(timelineMetricName("probe", i)));
  perSecond.heavy.push(new Counter(timelineMetricName("heavy", i)));
}
var failed = {
  probe: new Counter(resultMetrics.probeErrors),
  heavy: new Counter(resultMetrics.heavyErrors)
};
var probeDuration = {};
var probeOk = {};
for (const phase of phaseNames) {
  probeDuration[phase] = new Trend(probeDurationMetric(phase), true);
  probeOk[phase] = new Counter(probeOkMetric(phase));
}
var heavyOk = new Counter(resultMetrics.heavyOk);
var heavyStarted = new Counter(resultMetrics.heavyStarted);
var heavyCancelled = new Counter(resultMetrics.heavyCancelled);
var heavyBytes = new Counter(resultMetrics.heavyBytes);
var client = FORMAT === "grpc" ? new grpc.Client() : void 0;
client?.load(
  [__ENV.PROTO_DIR ? resolveFromWorkingDir(__ENV.PROTO_DIR, "PROTO_DIR", __ENV.PWD) : "../proto"],
  "bank/v1/bank.proto"
);
var connected = false;
var options = {
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
      gracefulStop: `${GRACEFUL_STOP_SECONDS}s`
    },
    // The heavy load starts after the baseline and stops before the cooldown;
    // calls in flight then are cut (gracefulStop 0) and count as cancelled.
    heavy: {
      executor: "constant-vus",
      exec: "heavy",
      vus: HEAVY_VUS,
      startTime: `${BASELINE_SECONDS}s`,
      duration: `${HEAVY_SECONDS}s`,
      gracefulStop: `${GRACEFUL_STOP_SECONDS}s`
    }
  },
  // p(50) and p(99) of the per-phase probe Trends, for RESULT_OUT.
  summaryTrendStats: resultTrendStats,
  thresholds: {
    // Informational: the probe should keep succeeding, however slowly.
    "checks{kind:probe}": ["rate>0.99"],
    // Never fails: it only makes k6 keep the heavy scenario's bytes submetric.
    [resultMetrics.heavyDataReceived]: ["count>=0"]
  }
};
function setup() {
  const startMs = Date.now();
  console.log(`loopstall-start ${startMs}`);
  return { startMs };
}
function probe(data) {
  run("probe", data, FORMAT === "grpc" ? probeGrpcCall : probeHttpCall(FORMAT));
}
function heavy(data) {
  run(
    "heavy",
    data,
    FORMAT === "grpc" ? heavyGrpcCall(STRATEGY, SHAPE) : heavyHttpCall(FORMAT, STRATEGY, SHAPE)
  );
}
function run(kind, data, call) {
  const startedMs = Date.now();
  if (kind === "heavy") {
    heavyStarted.add(1);
  }
  const done = (ok, bytes) => {
    const now = Date.now();
    if (kind === "probe") {
      probeDuration[phaseAt(data.startMs, startedMs, BASELINE_SECONDS, HEAVY_SECONDS)].add(
        now - startedMs
      );
    } else if (heavyOutcome(ok, data.startMs, now, BASELINE_SECONDS, HEAVY_SECONDS) === "cancelled") {
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
      if (bytes !== void 0 && bytes > 0) {
        heavyBytes.add(bytes);
      }
    }
    const i = secondIndex(data.startMs, now, SECONDS);
    if (i !== void 0) {
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
      ...late && { responseType: "binary" }
    });
    if (late && FORMAT !== "rest-json") {
      const body = res.body instanceof ArrayBuffer ? new Uint8Array(res.body) : null;
      done(lateStatus(FORMAT, res.status, res.headers, body).ok, body?.byteLength);
      return;
    }
    const grpcStatus2 = res.headers["Grpc-Status"];
    const length = Number(res.headers["Content-Length"]);
    done(
      res.status === 200 && (grpcStatus2 === void 0 || grpcStatus2 === "0"),
      Number.isFinite(length) ? length : void 0
    );
  }
}
function grpcCall(call, done) {
  if (!client) {
    throw new Error("gRPC client missing (FORMAT is not grpc)");
  }
  if (!connected) {
    client.connect(GRPC_ADDR, { plaintext: true, maxReceiveSize: 512 * 1024 * 1024 });
    connected = true;
  }
  const params = {
    metadata: call.metadata,
    timeout: call.method === probeGrpcCall.method ? PROBE_TIMEOUT : TIMEOUT,
    // Only the status counts: k6 would otherwise turn every 40,000-client
    // response into a JS object, on the server's cores (k6 >= v0.54).
    discardResponseMessage: true
  };
  if (!call.stream) {
    const res = client.invoke(call.method, call.message, params);
    done(res.status === grpc.StatusOK);
    return;
  }
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
function bodyOf(call) {
  if (call.body === void 0) {
    return null;
  }
  if (typeof call.body === "string") {
    return call.body;
  }
  return call.body.slice().buffer;
}
function handleSummary(data) {
  const startMs = data.setup_data?.startMs ?? Date.now() - data.state.testRunDurationMs;
  const rows = timelineFromMetrics(
    data.metrics,
    startMs,
    startMs + data.state.testRunDurationMs,
    SECONDS
  );
  const timeline = formatTimeline(rows);
  const errors = `probe errors: ${data.metrics.probe_errors?.values.count ?? 0}, heavy errors: ${data.metrics.heavy_errors?.values.count ?? 0}
`;
  const files = {
    stdout: `# ${FORMAT} ${STRATEGY}: <epoch> <probe> <heavy>
${timeline}${errors}`,
    [TIMELINE_OUT]: timeline
  };
  if (RESULT_OUT) {
    const result = buildCellResult(data, {
      format: FORMAT,
      strategy: STRATEGY,
      baselineS: BASELINE_SECONDS,
      heavyS: HEAVY_SECONDS,
      recoveryS: COOLDOWN_SECONDS,
      seconds: SECONDS
    });
    if (RESULT_OUT === "-") {
      files.stdout += `${k6ResultMarker}${JSON.stringify(result)}
`;
    } else {
      files[RESULT_OUT] = `${JSON.stringify(result, null, 2)}
`;
    }
  }
  return files;
}
export {
  handleSummary,
  heavy,
  options,
  probe,
  setup
};
