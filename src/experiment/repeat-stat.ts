import type { Stat } from "./summary-schema.js";

/** The median (mean of the middle two for an even count), min and max; zeros when empty. */
export function toStat(values: readonly number[]): Stat {
  if (values.length === 0) {
    return { median: 0, min: 0, max: 0 };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/** The index of the value closest to the median (the lower one on ties). */
export function medianIndex(values: readonly number[]): number {
  const { median } = toStat(values);
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (Math.abs((values[i] as number) - median) < Math.abs((values[best] as number) - median)) {
      best = i;
    }
  }
  return best;
}
