/**
 * The experiment summary: the shared contract between the experiment runner
 * (which produces it) and the report writer (which renders it). It is written
 * to disk as `summary.json`; docs/summary-schema.md documents every field.
 */

import type { TimelinePoint } from "../contract/results.js";
import type { Format, Strategy } from "../contract/wire.js";

/** median with the min and max over a cell's repeats */
export interface Stat {
  median: number;
  min: number;
  max: number;
}
export interface CellSummary {
  format: Format;
  workers: number;
  strategy: Strategy;
  repeats: number;
  probe: {
    baselineRps: number;
    duringRps: number;
    retention: number; // duringRps / baselineRps; medians over repeats
    p50BaselineMs: number;
    p50DuringMs: number;
    p99BaselineMs: number;
    p99DuringMs: number;
    errors: number; // failed/timed-out probe calls, summed over repeats
    stats: {
      baselineRps: Stat;
      duringRps: Stat;
      retention: Stat;
      p50DuringMs: Stat;
      p99BaselineMs: Stat;
      p99DuringMs: Stat;
    };
  };
  heavy: {
    rps: number;
    mbPerS: number;
    bytes: number /* one response's size */;
    completed: number;
    errors: number;
    stats: { rps: Stat; mbPerS: Stat };
  };
  /** requests served per worker pid, probe and heavy together, summed over repeats */
  workerSpread: Record<string, number>;
  server: { eventLoopDelayP99Ms: Stat | null; eventLoopDelayMaxMs: Stat | null };
  loadgen: { cpuPercent: Stat /* load generator CPU time ÷ wall time, 100 = one core */ };
  /** the per-second timeline of the repeat whose retention is the median */
  timeline: TimelinePoint[];
  /** seconds since start at which heavy load started and stopped, in that repeat */
  phases: { heavyStart: number; heavyEnd: number };
}
export interface ExperimentSummary {
  schemaVersion: 1;
  startedAt: string;
  finishedAt: string; // ISO 8601
  environment: {
    node: string;
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    availableParallelism: number;
    loopstallVersion: string;
  };
  settings: {
    engine: "embedded" | "k6";
    launcher: "cluster" | "pm2";
    repeats: number;
    quick: boolean;
    probe: { mode: "closed" | "open"; connections: number; rate: number | null; timeoutMs: number };
    heavy: {
      concurrency: number;
      connections: number;
      shape: { count: number; accountsPerClient: number; filledStrings: number };
    };
    phases: { baselineS: number; heavyS: number; recoveryS: number };
    matrix: { formats: Format[]; workers: number[]; strategies: Strategy[] };
  };
  cells: CellSummary[];
}
