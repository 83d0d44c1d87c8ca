/**
 * The part of k6's `handleSummary(data)` argument the scripts read
 * (@types/k6 does not type it), and reading numbers from `__ENV`. Plain
 * module, no k6 or Node APIs.
 */

/** One metric's aggregated values, e.g. `count`, `rate`, `avg`, `p(99)`. */
export interface SummaryMetric {
  values: Record<string, number>;
}

export interface K6SummaryData<SetupData = unknown> {
  metrics: Record<string, SummaryMetric | undefined>;
  /** What `setup()` returned. */
  setup_data?: SetupData;
  state: { testRunDurationMs: number };
}

/** Reads a whole-number setting from `__ENV`, with a default and a clear error. */
export function envNumber(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  max: number,
): number {
  const text = env[name];
  if (text === undefined || text === "") {
    return fallback;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) {
    throw new Error(`${name} must be a whole number from 0 to ${max}, got "${text}"`);
  }
  return value;
}
