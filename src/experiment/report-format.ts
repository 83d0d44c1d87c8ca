import type { Stat } from "./summary-schema.js";

/** Shown instead of a number that is missing or not finite. */
export const notAvailable = "n/a";

// A fixed locale keeps reports identical whatever machine renders them.
const formatters = new Map<number, Intl.NumberFormat>();
function fixed(value: number, digits: number): string {
  let formatter = formatters.get(digits);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(digits, formatter);
  }
  return formatter.format(value);
}

/** A ratio (0.5) as a percentage number without the sign ("50"); one decimal below 10%. */
export function percentNumber(ratio: number): string {
  if (!Number.isFinite(ratio)) return notAvailable;
  const percent = ratio * 100;
  return fixed(percent, Math.abs(percent) < 10 && percent !== 0 ? 1 : 0);
}

/** A ratio (0.5) as a percentage ("50%"). */
export function formatPercent(ratio: number): string {
  return withUnit(percentNumber(ratio), "%");
}

/** Milliseconds as a number with one decimal ("12.3"). */
export function msNumber(ms: number): string {
  return Number.isFinite(ms) ? fixed(ms, 1) : notAvailable;
}

/** Milliseconds with one decimal and the unit ("12.3 ms"). */
export function formatMs(ms: number): string {
  return withUnit(msNumber(ms), " ms");
}

/** A count with thousands separators ("40,000"). */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? fixed(n, 0) : notAvailable;
}

function withUnit(text: string, unit: string): string {
  return text === notAvailable ? text : `${text}${unit}`;
}

/** A rate or other small quantity with as many decimals as it needs to be readable ("2.35", "48.1", "5,512"). */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return notAvailable;
  const magnitude = Math.abs(value);
  return fixed(value, magnitude === 0 || magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2);
}

const byteUnits = ["B", "kB", "MB", "GB", "TB"];

/** Bytes in decimal units, matching MB/s ("5.5 MB"; 1 MB = 1,000,000 bytes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return notAvailable;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < byteUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${fixed(value, value >= 100 ? 0 : 1)} ${byteUnits[unit]}`;
}

/**
 * A median with its min–max range over repeats, the unit written once for
 * each: "48% (38–54%)", "1,480.0 ms (1,110.0–1,702.0 ms)".
 */
export function formatStat(stat: Stat | null, format: (n: number) => string, unit = ""): string {
  if (!stat) return notAvailable;
  const median = withUnit(format(stat.median), unit);
  if (stat.min === stat.max) return median;
  return `${median} (${format(stat.min)}–${withUnit(format(stat.max), unit)})`;
}

/**
 * How requests spread across worker pids, as shares of the total, ordered by
 * pid: "pid 123: 51%, pid 124: 49%".
 */
export function formatSpread(spread: Record<string, number>): string {
  const entries = Object.entries(spread).sort(([a], [b]) => comparePids(a, b));
  const total = entries.reduce((sum, [, n]) => sum + (Number.isFinite(n) ? n : 0), 0);
  if (entries.length === 0 || total <= 0) return notAvailable;
  return entries.map(([pid, n]) => `pid ${pid}: ${formatPercent(n / total)}`).join(", ");
}

function comparePids(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Seconds as "10 s" or "1.5 s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return notAvailable;
  return `${Number.isInteger(s) ? s : fixed(s, 1)} s`;
}
