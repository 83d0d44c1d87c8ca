import type { Format, Source, Strategy } from "../contract/wire.js";
import type { LoadResult } from "../load/load-settings.js";
import { cellKubernetes, cellPlacement } from "./cell-measure.js";
import type { LoopCost } from "./loop-cost-scrape.js";
import { medianIndex, toStat } from "./repeat-stat.js";
import type { CellSummary, Stat } from "./summary-schema.js";

/** One repeat of a cell: what the engine measured and what `/metrics` said. */
export interface RepeatResult {
  load: LoadResult;
  /** Event-loop delay during the heavy phase, worst worker; null without `/metrics`. */
  eventLoopDelayP99Ms: number | null;
  eventLoopDelayMaxMs: number | null;
  /** What the heavy phase cost the event loop; null (or absent) without `/metrics`. */
  loopCost?: LoopCost | null;
}

/** Probe retention: probe rate under heavy load ÷ baseline rate (0 when the baseline is 0). */
export function retentionOf(load: LoadResult): number {
  const baseline = load.probe.baseline.rps;
  return baseline > 0 ? load.probe.heavy.rps / baseline : 0;
}

/** Folds a cell's repeats into its summary: medians with min–max, sums of counts. */
export function summarizeCell(
  cell: { format: Format; workers: number; strategy: Strategy; source?: Source },
  repeats: readonly RepeatResult[],
): CellSummary {
  if (repeats.length === 0) {
    throw new Error("a cell needs at least one repeat");
  }
  const loads = repeats.map((r) => r.load);
  const stat = (pick: (load: LoadResult) => number): Stat => toStat(loads.map(pick));
  const retentions = loads.map(retentionOf);
  const representative = loads[medianIndex(retentions)] as LoadResult;
  const spread: Record<string, number> = {};
  for (const load of loads) {
    for (const [worker, n] of Object.entries(load.workerSpread)) {
      spread[worker] = (spread[worker] ?? 0) + n;
    }
  }
  const nullableStat = (values: (number | null)[]): Stat | null => {
    const present = values.filter((v): v is number => v !== null);
    return present.length === 0 ? null : toStat(present);
  };
  const stats = {
    baselineRps: stat((l) => l.probe.baseline.rps),
    duringRps: stat((l) => l.probe.heavy.rps),
    retention: toStat(retentions),
    p50DuringMs: stat((l) => l.probe.heavy.p50Ms),
    p99BaselineMs: stat((l) => l.probe.baseline.p99Ms),
    p99DuringMs: stat((l) => l.probe.heavy.p99Ms),
  };
  const heavyRps = stat((l) => l.heavy.rps);
  const heavyMbPerS = stat((l) => l.heavy.mbPerS);
  return {
    format: cell.format,
    workers: cell.workers,
    strategy: cell.strategy,
    ...(cell.source !== undefined && { source: cell.source }),
    repeats: repeats.length,
    probe: {
      baselineRps: stats.baselineRps.median,
      duringRps: stats.duringRps.median,
      retention: stats.retention.median,
      p50BaselineMs: stat((l) => l.probe.baseline.p50Ms).median,
      p50DuringMs: stats.p50DuringMs.median,
      p99BaselineMs: stats.p99BaselineMs.median,
      p99DuringMs: stats.p99DuringMs.median,
      errors: loads.reduce((sum, l) => sum + l.probe.errors, 0),
      stats,
    },
    heavy: {
      rps: heavyRps.median,
      mbPerS: heavyMbPerS.median,
      bytes: Math.max(...loads.map((l) => l.heavy.responseBytes)),
      completed: loads.reduce((sum, l) => sum + l.heavy.completed, 0),
      errors: loads.reduce((sum, l) => sum + l.heavy.errors, 0),
      stats: { rps: heavyRps, mbPerS: heavyMbPerS },
    },
    workerSpread: spread,
    server: {
      eventLoopDelayP99Ms: nullableStat(repeats.map((r) => r.eventLoopDelayP99Ms)),
      eventLoopDelayMaxMs: nullableStat(repeats.map((r) => r.eventLoopDelayMaxMs)),
    },
    ...(repeats.some((r) => r.loopCost) && {
      loopCost: {
        mainThreadMsPerHeavy: nullableStat(
          repeats.map((r) => r.loopCost?.mainThreadMsPerHeavy ?? null),
        ),
        longestBlockMs: nullableStat(repeats.map((r) => r.loopCost?.longestBlockMs ?? null)),
        sourceCacheBytes: nullableStat(repeats.map((r) => r.loopCost?.sourceCacheBytes ?? null)),
        busyMeasure: repeats.every((r) => r.loopCost?.busyMeasure !== "elu") ? "cpu" : "elu",
      },
    }),
    loadgen: { cpuPercent: stat((l) => l.loadgenCpuPercent) },
    timeline: representative.timeline,
    phases: representative.phases,
    placement: cellPlacement(loads),
    ...optional("kubernetes", cellKubernetes(loads, representative)),
  };
}

/** `{ [key]: value }`, or nothing when value is undefined (exactOptionalPropertyTypes-safe). */
function optional<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };
}
