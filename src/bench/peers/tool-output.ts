/** What one load-tool run measured. Absent fields were not measured. */
export interface ToolMeasurement {
  /** Requests that succeeded (2xx; for ghz, gRPC status OK). */
  ok: number;
  /** Requests that failed, errored, timed out or answered non-2xx. */
  failed: number;
  /** Successful requests per second over the run. */
  rps: number;
  meanMs?: number;
  p99Ms?: number;
  /** Response bytes per second, in MB (10^6 bytes). */
  mbPerSec?: number;
}

const unitsMs: Record<string, number> = { us: 1e-3, ms: 1, s: 1_000, m: 60_000 };

/** `1.23ms`, `850us`, `2.1s` as milliseconds. */
export function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) {
    throw new Error(`not a duration: "${text}"`);
  }
  return Number(match[1]) * (unitsMs[match[2]] ?? Number.NaN);
}

/** The p-quantile (0–1) of `values`, nearest rank. */
export function quantile(values: number[], p: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * Parses h2load's summary and, if given, its `--log-file` (one line per
 * request: start µs, status, duration µs), from which the p99 comes: h2load
 * itself prints only min, max, mean and sd.
 */
export function parseH2load(stdout: string, logFile?: string): ToolMeasurement {
  const finished = /finished in ([\d.]+)(ms|s), ([\d.]+) req\/s/.exec(stdout);
  const requests =
    /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      stdout,
    );
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(stdout);
  if (!finished || !requests || !codes) {
    throw new Error(`unexpected h2load output:\n${stdout}`);
  }
  const seconds = Number(finished[1]) / (finished[2] === "ms" ? 1_000 : 1);
  const ok = Number(codes[1]);
  const failed =
    Number(requests[5]) +
    Number(requests[6]) +
    Number(requests[7]) +
    Number(codes[2]) +
    Number(codes[3]) +
    Number(codes[4]);
  const traffic = /traffic: [\d.]+\w+ \((\d+)\) total/.exec(stdout);
  const mean = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(stdout);
  const result: ToolMeasurement = {
    ok,
    failed,
    rps: seconds > 0 ? ok / seconds : 0,
  };
  if (mean) {
    result.meanMs = durationMs(mean[1]);
  }
  if (traffic && seconds > 0) {
    result.mbPerSec = Number(traffic[1]) / 1e6 / seconds;
  }
  if (logFile !== undefined) {
    const durations = logFile
      .split("\n")
      .map((line) => line.split("\t"))
      .filter((fields) => fields.length >= 3 && fields[1].startsWith("2"))
      .map((fields) => Number(fields[2]) / 1_000);
    if (durations.length > 0) {
      result.p99Ms = quantile(durations, 0.99);
    }
  }
  return result;
}

/** Parses wrk's output as printed with `--latency`. */
export function parseWrk(stdout: string): ToolMeasurement {
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)(B|KB|MB|GB) read/.exec(stdout);
  if (!done) {
    throw new Error(`unexpected wrk output:\n${stdout}`);
  }
  const seconds = durationMs(`${done[2]}${done[3]}`) / 1_000;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    stdout,
  );
  const errors = socketErrors
    ? Number(socketErrors[1]) + Number(socketErrors[3]) + Number(socketErrors[4])
    : 0;
  const ok = Number(done[1]) - non2xx;
  const scale: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
  const result: ToolMeasurement = {
    ok,
    failed: non2xx + errors,
    rps: seconds > 0 ? ok / seconds : 0,
    mbPerSec: seconds > 0 ? (Number(done[4]) * (scale[done[5]] ?? 1)) / 1e6 / seconds : 0,
  };
  const p99 = /^\s+99%\s+(\S+)/m.exec(stdout);
  if (p99) {
    result.p99Ms = durationMs(p99[1]);
  }
  const mean = /Latency\s+(\S+)/.exec(stdout);
  if (mean) {
    result.meanMs = durationMs(mean[1]);
  }
  return result;
}

/** Parses ghz's `--format json` report (latencies in nanoseconds). */
export function parseGhz(stdout: string): ToolMeasurement {
  const report = JSON.parse(stdout) as {
    count?: number;
    total?: number;
    average?: number;
    rps?: number;
    latencyDistribution?: Array<{ percentage: number; latency: number }> | null;
    statusCodeDistribution?: Record<string, number> | null;
  };
  const codes = report.statusCodeDistribution ?? {};
  const ok = codes.OK ?? 0;
  const all = Object.values(codes).reduce((sum, n) => sum + n, 0);
  const totalSeconds = (report.total ?? 0) / 1e9;
  const p99 = report.latencyDistribution?.find((entry) => entry.percentage === 99);
  const result: ToolMeasurement = {
    ok,
    failed: Math.max(all, report.count ?? 0) - ok,
    rps: totalSeconds > 0 ? ok / totalSeconds : (report.rps ?? 0),
  };
  if (report.average !== undefined) {
    result.meanMs = report.average / 1e6;
  }
  if (p99) {
    result.p99Ms = p99.latency / 1e6;
  }
  return result;
}

/**
 * The children's CPU time from bash's `times` builtin (its second line:
 * `0m1.234s 0m0.567s`, user then system), in seconds.
 */
export function parseTimes(stderr: string): number | undefined {
  const lines = stderr.trim().split("\n");
  const last = lines[lines.length - 1] ?? "";
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(last.trim());
  if (!match) {
    return undefined;
  }
  return Number(match[1]) * 60 + Number(match[2]) + Number(match[3]) * 60 + Number(match[4]);
}
