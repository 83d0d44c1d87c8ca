/**
 * Builds ghz's JSON report (`ghz -O json`, ghz v0.121 `runner/reporter.go`)
 * from finished calls. Pure and dependency-free: the k6 script
 * `loadtest/ghz.ts` imports this file directly, so it must not import
 * `node:` modules or any other module at run time.
 *
 * Checked against the real ghz v0.121.0 binary (see ghz-compat.test.ts):
 * - `date` comes first (ghz's custom MarshalJSON puts it before the
 *   embedded fields), then `name`, `endReason`, `options`, ...
 * - `errorDistribution` and `statusCodeDistribution` are `{}` when empty
 *   (ghz allocates both maps), while `latencyDistribution`, `histogram` and
 *   `details` are `null` when there is nothing to put in them.
 * - Map keys are sorted, as Go's encoding/json sorts them.
 */

/** One finished call, as ghz's reporter sees it. */
export interface GhzCallRecord {
  /** When the call ended, epoch ms (fractional ms keep sub-ms precision). */
  endMs: number;
  /** Call latency in integer nanoseconds. */
  latencyNs: number;
  /** gRPC code name as Go prints it: "OK", "Unavailable", ... */
  status: string;
  /** Go's error string (`rpc error: code = X desc = Y`); "" for success. */
  error: string;
}

/**
 * The run settings that ghz echoes in `options`. Every field is optional;
 * the always-present keys get ghz's defaults.
 */
export interface GhzOptionsInput {
  call?: string;
  host?: string;
  proto?: string;
  protoset?: string;
  importPaths?: string[];
  enableCompression?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  cname?: string;
  skipTLS?: boolean;
  /** Always written. Default false. */
  insecure?: boolean;
  authority?: string;
  rps?: number;
  /** Always written. Default "const". */
  loadSchedule?: string;
  loadStart?: number;
  loadEnd?: number;
  loadStep?: number;
  loadStepDurationNs?: number;
  loadMaxDurationNs?: number;
  concurrency?: number;
  /** Always written. Default "const". */
  concurrencySchedule?: string;
  concurrencyStart?: number;
  concurrencyEnd?: number;
  /** Always written. Default 1 (ghz's flag default). */
  concurrencyStep?: number;
  concurrencyStepDurationNs?: number;
  concurrencyMaxDurationNs?: number;
  total?: number;
  async?: boolean;
  connections?: number;
  durationNs?: number;
  timeoutNs?: number;
  dialTimeoutNs?: number;
  keepaliveNs?: number;
  /** The request data as parsed JSON; omitted when undefined. */
  data?: unknown;
  /** Always written. Default false. */
  binary?: boolean;
  metadata?: Record<string, string>;
  /** Always written. Default 0. */
  cpus?: number;
  name?: string;
  skipFirst?: number;
  countErrors?: boolean;
}

/** `latencyDistribution` entry. */
export interface GhzLatencyPoint {
  percentage: number;
  latency: number;
}

/** `histogram` entry. */
export interface GhzBucket {
  /** Bucket upper bound in seconds. */
  mark: number;
  count: number;
  frequency: number;
}

/** `details` entry. */
export interface GhzDetail {
  timestamp: string;
  latency: number;
  error: string;
  status: string;
}

/** The report, with keys in ghz's order. Durations are integer ns. */
export interface GhzReport {
  date: string;
  name?: string;
  endReason?: string;
  options: Record<string, unknown>;
  count: number;
  total: number;
  average: number;
  fastest: number;
  slowest: number;
  rps: number;
  errorDistribution: Record<string, number>;
  statusCodeDistribution: Record<string, number>;
  latencyDistribution: GhzLatencyPoint[] | null;
  histogram: GhzBucket[] | null;
  details: GhzDetail[] | null;
  tags?: Record<string, string>;
}

/** What every report needs besides the calls. */
export interface GhzReportMeta {
  /** Run name (`--name`); omitted when empty. */
  name?: string;
  /** "normal", "cancel" or "timeout". */
  endReason: string;
  /** When the report was finalized (ghz uses the end of the run), epoch ms. */
  dateMs: number;
  /** Whole run duration in ns. */
  totalNs: number;
  options: GhzOptionsInput;
  /** `--tags`; omitted when empty. */
  tags?: Record<string, string>;
  /**
   * Minutes east of UTC for rendered dates. Default: this process's local
   * zone, as Go's `time.Now()` uses.
   */
  utcOffsetMinutes?: number;
}

/** ghz keeps at most this many `details` entries. */
export const maxDetails = 1_000_000;

/** The percentiles ghz reports. */
export const ghzPercentiles: readonly number[] = [10, 25, 50, 75, 90, 95, 99];

const nsPerSecond = 1e9;

/**
 * Accumulates finished calls the way ghz's reporter does: the counts and
 * distributions cover every call, `details` keeps the first `maxDetails`,
 * and (as in ghz) the latency statistics are computed from those details.
 */
export class GhzCollector {
  private count = 0;
  private sumSeconds = 0;
  private readonly errorDist: Record<string, number> = {};
  private readonly statusDist: Record<string, number> = {};
  private readonly kept: GhzCallRecord[] = [];

  /** @param countErrors ghz's `--count-errors`. */
  constructor(private readonly countErrors: boolean) {}

  /** Records one finished call. */
  add(record: GhzCallRecord): void {
    this.count++;
    this.sumSeconds += goSeconds(record.latencyNs);
    this.statusDist[record.status] = (this.statusDist[record.status] ?? 0) + 1;
    if (record.error !== "") {
      this.errorDist[record.error] = (this.errorDist[record.error] ?? 0) + 1;
    }
    if (this.kept.length < maxDetails) {
      this.kept.push(record);
    }
  }

  /** Builds the report. */
  build(meta: GhzReportMeta): GhzReport {
    const okSeconds = this.kept
      .filter((r) => r.error === "" || this.countErrors)
      .map((r) => goSeconds(r.latencyNs))
      .sort((a, b) => a - b);
    const offset = meta.utcOffsetMinutes;
    return assembleReport(meta, {
      count: this.count,
      sumSeconds: this.sumSeconds,
      errorDist: this.errorDist,
      statusDist: this.statusDist,
      okSeconds,
      details:
        this.kept.length > 0
          ? this.kept.map((r) => ({
              timestamp: formatRfc3339(r.endMs, true, offset),
              latency: r.latencyNs,
              error: r.error,
              status: r.status,
            }))
          : null,
    });
  }
}

/** Builds the report from every finished call (after `skipFirst`). */
export function buildGhzReport(records: readonly GhzCallRecord[], meta: GhzReportMeta): GhzReport {
  const collector = new GhzCollector(meta.options.countErrors === true);
  for (const record of records) {
    collector.add(record);
  }
  return collector.build(meta);
}

/**
 * Aggregates where individual calls are not available (k6's
 * `handleSummary` sees only aggregated metrics). Latencies in ms.
 */
export interface GhzAggregates {
  /** Calls per gRPC code name. */
  statusCounts: Record<string, number>;
  /** Calls per error string; may be coarser than ghz's (k6 keeps no messages). */
  errorCounts: Record<string, number>;
  /** Mean latency of all calls, ms. */
  averageMs: number;
  /** Latency statistics of the counted (successful) calls; undefined when none. */
  counted?: {
    count: number;
    minMs: number;
    maxMs: number;
    /** Latency at each of `ghzPercentiles`, ms, same order. */
    percentilesMs: readonly number[];
  };
}

/**
 * Builds the report from aggregates. `details` is null and the histogram's
 * counts are estimated from the percentiles (its marks are exact).
 */
export function buildGhzReportFromAggregates(agg: GhzAggregates, meta: GhzReportMeta): GhzReport {
  let count = 0;
  for (const n of Object.values(agg.statusCounts)) {
    count += n;
  }
  const report = assembleReport(meta, {
    count,
    sumSeconds: (agg.averageMs / 1000) * count,
    errorDist: { ...agg.errorCounts },
    statusDist: { ...agg.statusCounts },
    okSeconds: [],
    details: null,
  });
  const counted = agg.counted;
  if (count > 0 && counted && counted.count > 0) {
    const fastest = counted.minMs / 1000;
    const slowest = counted.maxMs / 1000;
    report.fastest = durationNs(fastest);
    report.slowest = durationNs(slowest);
    report.latencyDistribution = ghzPercentiles.map((p, i) => {
      const seconds = (counted.percentilesMs[i] ?? 0) / 1000;
      return seconds > 0
        ? { percentage: p, latency: durationNs(seconds) }
        : { percentage: 0, latency: 0 };
    });
    report.histogram = estimateHistogram(counted, fastest, slowest);
  }
  return report;
}

interface Collected {
  count: number;
  sumSeconds: number;
  errorDist: Record<string, number>;
  statusDist: Record<string, number>;
  /** Sorted latencies (s) of the calls the statistics cover. */
  okSeconds: number[];
  details: GhzDetail[] | null;
}

function assembleReport(meta: GhzReportMeta, c: Collected): GhzReport {
  const report: GhzReport = {
    date: formatRfc3339(meta.dateMs, false, meta.utcOffsetMinutes),
    ...(meta.name ? { name: meta.name } : {}),
    ...(meta.endReason ? { endReason: meta.endReason } : {}),
    options: buildGhzOptions(meta.options),
    count: c.count,
    total: Math.trunc(meta.totalNs),
    average: 0,
    fastest: 0,
    slowest: 0,
    rps: 0,
    errorDistribution: sortKeys(c.errorDist),
    statusCodeDistribution: sortKeys(c.statusDist),
    latencyDistribution: null,
    histogram: null,
    details: null,
  };
  if (c.count > 0) {
    report.average = durationNs(c.sumSeconds / c.count);
    report.rps = meta.totalNs > 0 ? c.count / (meta.totalNs / nsPerSecond) : 0;
    const ok = c.okSeconds;
    if (ok.length > 0) {
      const fastest = ok[0] as number;
      const slowest = ok[ok.length - 1] as number;
      report.fastest = durationNs(fastest);
      report.slowest = durationNs(slowest);
      report.histogram = histogram(ok, slowest, fastest);
      report.latencyDistribution = latencyDistribution(ok);
    }
    report.details = c.details;
  }
  if (meta.tags && Object.keys(meta.tags).length > 0) {
    report.tags = sortKeys(meta.tags);
  }
  return report;
}

/**
 * ghz's percentile rule on sorted latencies (seconds): the element at index
 * `int(p/100 * n)`, minus one when that product is a whole number. A zero
 * latency gives a zero-valued entry (`percentage` 0), as ghz writes it.
 */
export function latencyDistribution(sortedSeconds: readonly number[]): GhzLatencyPoint[] {
  const n = sortedSeconds.length;
  return ghzPercentiles.map((p) => {
    const ip = (p / 100) * n;
    let di = Math.trunc(ip);
    if (ip === di) {
      di--;
    }
    if (di < 0) {
      di = 0;
    }
    const value = sortedSeconds[di] ?? 0;
    return value > 0
      ? { percentage: p, latency: durationNs(value) }
      : { percentage: 0, latency: 0 };
  });
}

/**
 * ghz's 11-bucket histogram: marks at `fastest + i * (slowest - fastest) / 10`
 * for i = 0..9 plus `slowest`; each latency falls in the first bucket whose
 * mark is at or above it.
 */
export function histogram(
  sortedSeconds: readonly number[],
  slowest: number,
  fastest: number,
): GhzBucket[] {
  const bc = 10;
  const marks: number[] = [];
  const counts: number[] = new Array(bc + 1).fill(0);
  const bs = (slowest - fastest) / bc;
  for (let i = 0; i < bc; i++) {
    marks.push(fastest + bs * i);
  }
  marks.push(slowest);
  let bi = 0;
  for (let i = 0; i < sortedSeconds.length; ) {
    if ((sortedSeconds[i] as number) <= (marks[bi] as number)) {
      i++;
      counts[bi] = (counts[bi] as number) + 1;
    } else if (bi < marks.length - 1) {
      bi++;
    } else {
      // Unreachable for sorted input whose last element is `slowest`; guards
      // against an endless loop on bad input.
      break;
    }
  }
  return marks.map((mark, i) => ({
    mark,
    count: counts[i] as number,
    frequency: (counts[i] as number) / sortedSeconds.length,
  }));
}

/** Histogram counts interpolated on the CDF through min, the percentiles and max. */
function estimateHistogram(
  counted: NonNullable<GhzAggregates["counted"]>,
  fastest: number,
  slowest: number,
): GhzBucket[] {
  const points: Array<[number, number]> = [[fastest, 0]];
  ghzPercentiles.forEach((p, i) => {
    points.push([(counted.percentilesMs[i] ?? 0) / 1000, p / 100]);
  });
  points.push([slowest, 1]);
  const cdf = (x: number): number => {
    if (x >= slowest) return 1;
    for (let i = 1; i < points.length; i++) {
      const [x0, y0] = points[i - 1] as [number, number];
      const [x1, y1] = points[i] as [number, number];
      if (x <= x1) {
        const y = x1 > x0 ? y0 + ((y1 - y0) * (x - x0)) / (x1 - x0) : y1;
        return Math.min(1, Math.max(0, y));
      }
    }
    return 1;
  };
  const buckets = histogram([], slowest, fastest);
  let below = 0;
  return buckets.map((bucket, i) => {
    const upTo =
      i === buckets.length - 1 ? counted.count : Math.round(cdf(bucket.mark) * counted.count);
    const count = Math.max(0, upTo - below);
    below += count;
    return { mark: bucket.mark, count, frequency: count / counted.count };
  });
}

/** Builds `options` with ghz's keys, order and omit-if-empty rules. */
export function buildGhzOptions(o: GhzOptionsInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const opt = (key: string, value: unknown) => {
    if (value === undefined || value === "" || value === false || value === 0) return;
    if (Array.isArray(value) && value.length === 0) return;
    out[key] = value;
  };
  const always = (key: string, value: unknown) => {
    out[key] = value;
  };
  const ns = (value: number | undefined) => Math.trunc(value ?? 0);
  opt("call", o.call);
  opt("host", o.host);
  opt("proto", o.proto);
  opt("protoset", o.protoset);
  opt("import-paths", o.importPaths);
  opt("enable-compression", o.enableCompression);
  opt("cacert", o.cacert);
  opt("cert", o.cert);
  opt("key", o.key);
  opt("cname", o.cname);
  opt("skipTLS", o.skipTLS);
  always("insecure", o.insecure ?? false);
  opt("authority", o.authority);
  opt("rps", o.rps);
  always("load-schedule", o.loadSchedule ?? "const");
  always("load-start", o.loadStart ?? 0);
  always("load-end", o.loadEnd ?? 0);
  always("load-step", o.loadStep ?? 0);
  always("load-step-duration", ns(o.loadStepDurationNs));
  always("load-max-duration", ns(o.loadMaxDurationNs));
  opt("concurrency", o.concurrency);
  always("concurrency-schedule", o.concurrencySchedule ?? "const");
  always("concurrency-start", o.concurrencyStart ?? 0);
  always("concurrency-end", o.concurrencyEnd ?? 0);
  always("concurrency-step", o.concurrencyStep ?? 1);
  always("concurrency-step-duration", ns(o.concurrencyStepDurationNs));
  always("concurrency-max-duration", ns(o.concurrencyMaxDurationNs));
  opt("total", o.total);
  opt("async", o.async);
  opt("connections", o.connections);
  opt("duration", o.durationNs && ns(o.durationNs));
  opt("timeout", o.timeoutNs && ns(o.timeoutNs));
  opt("dial-timeout", o.dialTimeoutNs && ns(o.dialTimeoutNs));
  opt("keepalive", o.keepaliveNs && ns(o.keepaliveNs));
  if (o.data !== undefined && o.data !== null) {
    out.data = sortKeysDeep(o.data);
  }
  always("binary", o.binary ?? false);
  if (o.metadata !== undefined) {
    out.metadata = sortKeys(o.metadata);
  }
  always("CPUs", o.cpus ?? 0);
  opt("name", o.name);
  opt("skipFirst", o.skipFirst);
  opt("count-errors", o.countErrors);
  return out;
}

/**
 * Serializes like Go's `json.Marshal` (+ `json.Indent` with two spaces for
 * `pretty`): same key order as the object, `<`, `>`, `&`, U+2028 and U+2029
 * escaped. No trailing newline, like ghz.
 */
export function toGhzJson(report: GhzReport, pretty = false): string {
  const text = pretty ? JSON.stringify(report, null, 2) : JSON.stringify(report);
  // These characters only ever occur inside JSON strings, so a global
  // replace is safe.
  return text.replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * Formats epoch ms as RFC 3339 in a fixed offset, with trailing-zero-trimmed
 * nanoseconds when `nanos` (Go's `RFC3339Nano`) or none (Go's `RFC3339`).
 */
export function formatRfc3339(epochMs: number, nanos: boolean, offsetMinutes?: number): string {
  const wholeMs = Math.floor(epochMs);
  const offset = offsetMinutes ?? -new Date(wholeMs).getTimezoneOffset();
  let seconds = Math.floor(wholeMs / 1000);
  let ns = Math.round((epochMs - seconds * 1000) * 1e6);
  if (ns >= nsPerSecond) {
    seconds += 1;
    ns -= nsPerSecond;
  }
  // Shift into the target zone, then read the fields as UTC.
  const shifted = new Date((seconds + offset * 60) * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  let text =
    `${String(shifted.getUTCFullYear()).padStart(4, "0")}-${two(shifted.getUTCMonth() + 1)}-` +
    `${two(shifted.getUTCDate())}T${two(shifted.getUTCHours())}:${two(shifted.getUTCMinutes())}:` +
    two(shifted.getUTCSeconds());
  if (nanos && ns > 0) {
    text += `.${String(ns).padStart(9, "0").replace(/0+$/, "")}`;
  }
  if (offset === 0) {
    return `${text}Z`;
  }
  const sign = offset > 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${text}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** Go's `Duration.Seconds()`: whole seconds plus the remainder, as a float. */
function goSeconds(ns: number): number {
  const whole = Math.trunc(ns / nsPerSecond);
  return whole + (ns - whole * nsPerSecond) / nsPerSecond;
}

/** Go's `time.Duration(seconds * float64(time.Second))`: truncates. */
function durationNs(seconds: number): number {
  return Math.trunc(seconds * nsPerSecond);
}

function sortKeys<T>(map: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort(compareBytes)) {
    out[key] = map[key] as T;
  }
  return out;
}

/** Go decodes `data` into maps, which it writes back with sorted keys. */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeysDeep);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record).sort(compareBytes)) {
      out[key] = sortKeysDeep(record[key]);
    }
    return out;
  }
  return value;
}

/** Go sorts map keys by bytes; for ASCII keys, code-unit order matches. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
