/**
 * Go-compatible rendering for the ghz report: `json.Marshal` escaping, RFC
 * 3339 dates, durations and sorted map keys. Pure and dependency-free: the k6 script `loadtest/ghz.ts` imports
 * these files directly, so they import only each other (with `.ts`
 * specifiers, which k6 resolves literally) and no `node:` module.
 */
import type { GhzReport } from "./report-types.ts";

/** Nanoseconds per second, Go's `time.Second`. */
export const nsPerSecond = 1e9;

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
export function goSeconds(ns: number): number {
  const whole = Math.trunc(ns / nsPerSecond);
  return whole + (ns - whole * nsPerSecond) / nsPerSecond;
}

/** Go's `time.Duration(seconds * float64(time.Second))`: truncates. */
export function durationNs(seconds: number): number {
  return Math.trunc(seconds * nsPerSecond);
}

export function sortKeys<T>(map: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort(compareBytes)) {
    out[key] = map[key] as T;
  }
  return out;
}

/** Go decodes `data` into maps, which it writes back with sorted keys. */
export function sortKeysDeep(value: unknown): unknown {
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
