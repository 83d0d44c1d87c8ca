import type { TimelinePoint } from "../contract/results.js";

/**
 * Completed requests per wall-clock second, the seed's
 * `<epoch second> <completed requests>` timeline, for probe and heavy calls.
 */
export class SecondBuckets {
  private readonly seconds = new Map<number, { probe: number; heavy: number }>();

  /** Counts one request that completed at `endMs` (epoch ms). */
  add(kind: "probe" | "heavy", endMs: number): void {
    const second = Math.floor(endMs / 1000);
    let bucket = this.seconds.get(second);
    if (bucket === undefined) {
      bucket = { probe: 0, heavy: 0 };
      this.seconds.set(second, bucket);
    }
    bucket[kind]++;
  }

  /** The counts of one epoch second (zeros if nothing completed). */
  at(epochSecond: number): { probe: number; heavy: number } {
    return { ...(this.seconds.get(epochSecond) ?? { probe: 0, heavy: 0 }) };
  }

  /**
   * One point per second from the second holding `startMs` to the one
   * holding `endMs` (inclusive, epoch ms), empty seconds included; `t` counts
   * seconds from the first point.
   */
  points(startMs: number, endMs: number): TimelinePoint[] {
    const first = Math.floor(startMs / 1000);
    const last = Math.floor(endMs / 1000);
    const points: TimelinePoint[] = [];
    for (let epoch = first; epoch <= last; epoch++) {
      points.push({ t: epoch - first, epoch, ...this.at(epoch) });
    }
    return points;
  }
}

/** Formats a point as the seed's line: `<epoch> <probe> <heavy>`. */
export function formatTimelineLine(point: { epoch: number; probe: number; heavy: number }): string {
  return `${point.epoch} ${point.probe} ${point.heavy}`;
}
