/**
 * The part of k6's `handleSummary(data)` argument the scripts read
 * (@types/k6 does not type it), and reading numbers from `__ENV`. Plain
 * module, no k6 or Node APIs.
 */

import { phaseLimits } from "../../src/contract/run-limits.ts";

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
  min = 0,
): number {
  const text = env[name];
  if (text === undefined || text === "") {
    return fallback;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** The phases of a concurrency.ts run, seconds. */
export interface EnvPhases {
  baselineS: number;
  heavyS: number;
  recoveryS: number;
}

/**
 * BASELINE_SECONDS, HEAVY_SECONDS and COOLDOWN_SECONDS (default 5, 10, 5),
 * within the limits the CLI applies too (src/contract/run-limits.ts).
 */
export function phasesFromEnv(env: Record<string, string | undefined>): EnvPhases {
  const read = (name: string, fallback: number, phase: keyof typeof phaseLimits) =>
    envNumber(env, name, fallback, phaseLimits[phase].max, phaseLimits[phase].min);
  return {
    baselineS: read("BASELINE_SECONDS", 5, "baselineS"),
    heavyS: read("HEAVY_SECONDS", 10, "heavyS"),
    recoveryS: read("COOLDOWN_SECONDS", 5, "recoveryS"),
  };
}
