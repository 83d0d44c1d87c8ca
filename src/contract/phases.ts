/**
 * The three phases of every load run (embedded engine and k6 alike) and how
 * a moment maps to one. Plain module: no imports, shared with the k6 scripts.
 */

/** The three phases: probe alone, probe with heavy load, probe alone again. */
export type Phase = "baseline" | "heavy" | "recovery";

export const phaseNames: readonly Phase[] = ["baseline", "heavy", "recovery"];

/** The phase holding `nowMs`, for a run whose setup() started at `startMs`. */
export function phaseAt(startMs: number, nowMs: number, baselineS: number, heavyS: number): Phase {
  const elapsedMs = nowMs - startMs;
  if (elapsedMs < baselineS * 1000) {
    return "baseline";
  }
  return elapsedMs < (baselineS + heavyS) * 1000 ? "heavy" : "recovery";
}
