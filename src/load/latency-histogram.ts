import { build, type Histogram } from "hdr-histogram-js";

/** The slowest latency recorded exactly; slower ones are clamped to it. */
const highestMs = 600_000;

/** Latencies in an HDR histogram (microsecond resolution, 3 significant digits). */
export class LatencyHistogram {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: highestMs * 1000,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one latency in ms. */
  record(latencyMs: number): void {
    const us = Math.round(Math.min(Math.max(latencyMs, 0), highestMs) * 1000);
    this.histogram.recordValue(Math.max(us, 1));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The latency (ms) at a percentile from 0 to 100; 0 when empty. */
  percentile(p: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(p) / 1000;
  }

  /** The largest latency (ms); 0 when empty. */
  get maxMs(): number {
    return this.count === 0 ? 0 : this.histogram.maxValue / 1000;
  }
}
