import type { TimelinePoint } from "../../src/contract/results.js";
import type { Format, Strategy } from "../../src/contract/wire.js";
import type { CellSummary, ExperimentSummary, Stat } from "../../src/experiment/summary-schema.js";

/**
 * A deterministic, plausible ExperimentSummary for tests and for previewing
 * the reports: three cells, from a starved probe to a mostly healthy one.
 */
export function fixtureSummary(): ExperimentSummary {
  return {
    schemaVersion: 1,
    startedAt: "2026-11-26T10:00:00.000Z",
    finishedAt: "2026-11-26T10:06:12.500Z",
    environment: {
      node: "v20.20.2",
      platform: "linux",
      arch: "x64",
      cpus: 2,
      cpuModel: "Intel(R) Xeon(R) CPU @ 2.20GHz",
      availableParallelism: 2,
      loopstallVersion: "0.1.0",
    },
    settings: {
      engine: "embedded",
      launcher: "cluster",
      repeats: 3,
      quick: false,
      probe: { mode: "closed", connections: 8, rate: null, timeoutMs: 2000 },
      heavy: {
        concurrency: 2,
        connections: 2,
        shape: { count: 40_000, accountsPerClient: 1, filledStrings: 3 },
      },
      phases: { baselineS: 10, heavyS: 20, recoveryS: 10 },
      matrix: {
        formats: ["connect-proto", "connect-json", "grpc"],
        workers: [1, 2],
        strategies: ["inline", "offload", "stream"],
      },
    },
    cells: [
      fixtureCell({
        format: "connect-proto",
        workers: 1,
        strategy: "inline",
        baselineRps: 5600,
        retention: 0.004,
        heavyRps: 4.2,
        bytes: 6_210_000,
        p99DuringMs: 1480,
        seed: 1,
      }),
      fixtureCell({
        format: "connect-json",
        workers: 2,
        strategy: "offload",
        baselineRps: 7400,
        retention: 0.48,
        heavyRps: 1.6,
        bytes: 16_400_000,
        p99DuringMs: 46,
        seed: 2,
      }),
      fixtureCell({
        format: "grpc",
        workers: 2,
        strategy: "stream",
        baselineRps: 7100,
        retention: 0.83,
        heavyRps: 3.1,
        bytes: 6_250_000,
        p99DuringMs: 21,
        seed: 3,
      }),
    ],
  };
}

interface CellParams {
  format: Format;
  workers: number;
  strategy: Strategy;
  baselineRps: number;
  retention: number;
  heavyRps: number;
  bytes: number;
  p99DuringMs: number;
  seed: number;
}

function spreadStat(median: number, relative: number): Stat {
  return { median, min: median * (1 - relative), max: median * (1 + relative * 0.6) };
}

function fixtureCell(p: CellParams): CellSummary {
  const duringRps = p.baselineRps * p.retention;
  const timeline = fixtureTimeline(p);
  const heavyCompleted = timeline.reduce((sum, point) => sum + point.heavy, 0) * 3;
  const probeTotal = Math.round((p.baselineRps * 20 + duringRps * 20) * 3);
  const total = probeTotal + heavyCompleted;
  const workerSpread: Record<string, number> = {};
  for (let w = 0; w < p.workers; w += 1) {
    const share = p.workers === 1 ? 1 : w === 0 ? 0.53 : 0.47 / (p.workers - 1);
    workerSpread[String(41_230 + p.seed * 10 + w)] = Math.round(total * share);
  }
  return {
    format: p.format,
    workers: p.workers,
    strategy: p.strategy,
    repeats: 3,
    probe: {
      baselineRps: p.baselineRps,
      duringRps,
      retention: p.retention,
      p50BaselineMs: 1.3,
      p50DuringMs: p.p99DuringMs / 4,
      p99BaselineMs: 9.6,
      p99DuringMs: p.p99DuringMs,
      errors: p.retention < 0.01 ? 12 : 0,
      stats: {
        baselineRps: spreadStat(p.baselineRps, 0.05),
        duringRps: spreadStat(duringRps, 0.2),
        retention: spreadStat(p.retention, 0.2),
        p50DuringMs: spreadStat(p.p99DuringMs / 4, 0.15),
        p99BaselineMs: spreadStat(9.6, 0.1),
        p99DuringMs: spreadStat(p.p99DuringMs, 0.25),
      },
    },
    heavy: {
      rps: p.heavyRps,
      mbPerS: (p.heavyRps * p.bytes) / 1e6,
      bytes: p.bytes,
      completed: heavyCompleted,
      errors: 0,
      stats: {
        rps: spreadStat(p.heavyRps, 0.1),
        mbPerS: spreadStat((p.heavyRps * p.bytes) / 1e6, 0.1),
      },
    },
    workerSpread,
    server: {
      eventLoopDelayP99Ms: spreadStat(p.retention < 0.1 ? 310 : 24, 0.2),
      eventLoopDelayMaxMs: spreadStat(p.retention < 0.1 ? 420 : 60, 0.2),
    },
    loadgen: { cpuPercent: spreadStat(72, 0.1) },
    timeline,
    phases: { heavyStart: 10, heavyEnd: 30 },
  };
}

/** 40 seconds: 10 of baseline, 20 of heavy load, 10 of recovery, with deterministic jitter. */
function fixtureTimeline(p: CellParams): TimelinePoint[] {
  let state = p.seed * 2_654_435_761;
  const jitter = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648 - 0.5;
  };
  const points: TimelinePoint[] = [];
  for (let t = 0; t < 40; t += 1) {
    const heavyPhase = t >= 10 && t < 30;
    const rate = heavyPhase ? p.baselineRps * p.retention : p.baselineRps;
    points.push({
      t,
      epoch: 1_795_000_000 + t,
      probe: Math.max(0, Math.round(rate * (1 + jitter() * 0.1))),
      heavy: heavyPhase ? Math.max(0, Math.round(p.heavyRps + jitter() * 2)) : 0,
    });
  }
  return points;
}
