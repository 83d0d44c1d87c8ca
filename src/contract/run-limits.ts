/**
 * Limits and fixed settings shared by the CLI (`--baseline`, `--heavy`,
 * `--recovery`), the experiment's k6 engine (src/experiment/k6-engine.ts)
 * and the k6 script loadtest/concurrency.ts, defined once so they cannot
 * drift apart (a phase the CLI accepts but the script refuses makes k6 exit
 * 107). Plain module: no imports, no k6 or Node APIs.
 */

/** Phase lengths in whole seconds: the smallest and largest accepted. */
export const phaseLimits = {
  baselineS: { min: 0, max: 3_600 },
  heavyS: { min: 1, max: 3_600 },
  recoveryS: { min: 0, max: 3_600 },
} as const;

/** The longest run the phases allow, seconds. */
export const maxRunSeconds =
  phaseLimits.baselineS.max + phaseLimits.heavyS.max + phaseLimits.recoveryS.max;

/** VUs loadtest/concurrency.ts accepts (PROBE_VUS, HEAVY_VUS). */
export const k6VuLimits = { probe: 1_000, heavy: 100 } as const;

/**
 * The `gracefulStop` of concurrency.ts's scenarios, seconds. Zero on
 * purpose: when the heavy phase ends, k6 interrupts the heavy calls still
 * in flight at once, as the embedded engine cancels them, so none runs on
 * into the recovery phase; the script counts them as `cancelled`. The probe
 * scenario ends the run, and probe calls still in flight then are dropped.
 */
export const k6GracefulStopSeconds = 0;

/**
 * The oldest k6 that runs the scripts: k6 strips TypeScript types by
 * default from v0.57 (v0.52–v0.56 needed `--compatibility-mode
 * experimental_enhanced`), and `discardResponseMessage` exists from v0.54.
 */
export const minK6Version = { major: 0, minor: 57, patch: 0 } as const;

/** `phaseLimits` as one line for error messages. */
export function describePhaseLimits(): string {
  const l = phaseLimits;
  return `baseline ${l.baselineS.min}–${l.baselineS.max} s, heavy ${l.heavyS.min}–${l.heavyS.max} s, recovery ${l.recoveryS.min}–${l.recoveryS.max} s`;
}
