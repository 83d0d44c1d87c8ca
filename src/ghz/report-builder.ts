/**
 * Builds ghz's JSON report (`ghz -O json`, ghz v0.121 `runner/reporter.go`)
 * from finished calls. Pure and dependency-free: the k6 script
 * `loadtest/ghz.ts` imports this file directly, so it imports only its
 * siblings (report-types, report-stats, report-options, go-format) with
 * `.ts` specifiers, and no `node:` module.
 *
 * Checked against the real ghz v0.121.0 binary (see ghz-compat.test.ts):
 * - `date` comes first (ghz's custom MarshalJSON puts it before the
 *   embedded fields), then `name`, `endReason`, `options`, ...
 * - `errorDistribution` and `statusCodeDistribution` are `{}` when empty
 *   (ghz allocates both maps), while `latencyDistribution`, `histogram` and
 *   `details` are `null` when there is nothing to put in them.
 * - Map keys are sorted, as Go's encoding/json sorts them.
 */
import { durationNs, formatRfc3339, goSeconds, nsPerSecond, sortKeys } from "./go-format.ts";
import { buildGhzOptions } from "./report-options.ts";
import {
  estimateHistogram,
  ghzPercentiles,
  histogram,
  latencyDistribution,
} from "./report-stats.ts";
import type {
  GhzAggregates,
  GhzCallRecord,
  GhzDetail,
  GhzReport,
  GhzReportMeta,
} from "./report-types.ts";

/** ghz keeps at most this many `details` entries. */
export const maxDetails = 1_000_000;

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
