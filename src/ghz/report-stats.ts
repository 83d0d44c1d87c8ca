/**
 * ghz's latency statistics: its percentile rule and its histogram. Pure and dependency-free: the k6 script `loadtest/ghz.ts` imports
 * these files directly, so they import only each other (with `.ts`
 * specifiers, which k6 resolves literally) and no `node:` module.
 */
import { durationNs } from "./go-format.ts";
import type { GhzAggregates, GhzBucket, GhzLatencyPoint } from "./report-types.ts";

/** The percentiles ghz reports. */
export const ghzPercentiles: readonly number[] = [10, 25, 50, 75, 90, 95, 99];

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
export function estimateHistogram(
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
