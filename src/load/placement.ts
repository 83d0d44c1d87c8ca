/**
 * Where a run's calls landed: how many probe and heavy calls each server
 * process (`x-worker`) answered. With node:cluster a connection stays on the
 * worker that accepted it, so a cell's retention depends on whether its
 * heavy connections shared a worker with the probe's.
 */

/**
 * `heavy: pid A 6, pid B 0; probe: pid A 410, pid B 395`: every worker that
 * answered anything, in each list, so a worker the heavy load missed shows 0.
 */
export function describePlacement(
  placement: { probe: Record<string, number>; heavy: Record<string, number> },
  allWorkers: Record<string, number> = {},
): string {
  const workers = [
    ...new Set([
      ...Object.keys(allWorkers),
      ...Object.keys(placement.heavy),
      ...Object.keys(placement.probe),
    ]),
  ].sort();
  if (workers.length === 0) {
    return "no x-worker header seen";
  }
  const list = (counts: Record<string, number>) =>
    workers.map((w) => `pid ${w} ${counts[w] ?? 0}`).join(", ");
  return `heavy: ${list(placement.heavy)}; probe: ${list(placement.probe)}`;
}
