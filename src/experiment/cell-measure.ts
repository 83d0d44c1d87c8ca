/**
 * Folds the repeats' placement and Kubernetes verdicts into a cell's
 * summary fields (src/experiment/measure-schema.ts).
 */
import type { LoadResult } from "../load/load-settings.js";
import type { CellPlacement, KubernetesCell } from "./measure-schema.js";
import { toStat } from "./repeat-stat.js";

/** Each repeat's placement, in repeat order (repeats without one, k6's, are left out). */
export function cellPlacement(loads: readonly LoadResult[]): CellPlacement[] {
  return loads.flatMap((l) => (l.placement === undefined ? [] : [l.placement]));
}

/**
 * The cell's verdict: failed checks, restarts and time out of the endpoints
 * over the repeats, and the first restart and exit of `representative` (the
 * repeat whose timeline the report draws). Undefined without any verdict.
 */
export function cellKubernetes(
  loads: readonly LoadResult[],
  representative: LoadResult,
): KubernetesCell | undefined {
  const verdicts = loads.flatMap((l) => (l.kubernetes === undefined ? [] : [l.kubernetes]));
  if (verdicts.length === 0) {
    return undefined;
  }
  const live = verdicts.map((v) => v.liveness);
  const ready = verdicts.map((v) => v.readiness);
  return {
    liveness: {
      checks: Math.max(...live.map((l) => l.checks)),
      failedChecks: toStat(live.map((l) => l.failedChecks)),
      restarts: toStat(live.map((l) => l.restarts)),
      repeatsRestarted: live.filter((l) => l.restarts > 0).length,
      firstRestartAtS: representative.kubernetes?.liveness.firstRestartAtS ?? null,
    },
    readiness: {
      checks: Math.max(...ready.map((r) => r.checks)),
      failedChecks: toStat(ready.map((r) => r.failedChecks)),
      unreadyS: toStat(ready.map((r) => r.unreadyS)),
      repeatsUnready: ready.filter((r) => r.firstUnreadyAtS !== null).length,
      firstUnreadyAtS: representative.kubernetes?.readiness.firstUnreadyAtS ?? null,
    },
  };
}
