import type { ToolRun } from "./load-runs.js";
import type { PeerName } from "./peer-processes.js";

/** The scenarios of `npm run bench:peers`. */
export type ScenarioId =
  | "grpc-live-h2c"
  | "connect-proto-live-h2c"
  | "connect-proto-live-http1"
  | "rest-live-http1"
  | "grpc-live-ghz"
  | "grpc-heavy"
  | "rest-heavy"
  | "grpc-retention"
  | "rest-retention";

/** One round's numbers for one (scenario, server, variant). */
export interface RoundResult extends ToolRun {
  /** Server CPU per successful request, in µs (from /proc, so noisy below ~10 ms totals). */
  serverCpuUsPerRequest?: number;
  /** Retention scenarios: probe req/s while heavy calls ran ÷ probe req/s idle, same round. */
  retention?: number;
  /** Retention scenarios: heavy calls completed during the probe. */
  heavyCalls?: number;
}

/** Median, min and max of a number over the rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Everything measured for one (scenario, server, variant). */
export interface PeerCase {
  scenario: ScenarioId;
  tool: "h2load" | "wrk" | "ghz";
  server: PeerName;
  /** e.g. `offload` for loopstall's heavy calls with that strategy; empty otherwise. */
  variant: string;
  rounds: RoundResult[];
  rps: Spread;
  p99Ms?: Spread;
  meanMs?: Spread;
  mbPerSec?: Spread;
  serverCpuUsPerRequest?: Spread;
  toolCpuPercent?: Spread;
  retention?: Spread;
}

/** A target ratio of the issue, computed round by round from the same run. */
export interface PeerRatio {
  label: string;
  scenario: ScenarioId;
  server: PeerName;
  against: PeerName;
  /** loopstall req/s ÷ the peer's req/s, per round. */
  perRound: number[];
  spread: Spread;
  target: number;
}

/** The JSON `npm run bench:peers` writes (and `experiment --peers` reads). */
export interface PeersResults {
  kind: "loopstall-peers";
  startedAt: string;
  node: string;
  cores: number;
  cpuModel: string;
  pinned: boolean;
  smoke: boolean;
  rounds: number;
  settings: Record<string, string | number | boolean>;
  tools: Record<string, string>;
  cases: PeerCase[];
  ratios: PeerRatio[];
  notes: string[];
}

export function spreadOf(values: number[]): Spread {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) {
    return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  }
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Fills in the spreads of a case from its rounds. */
export function summarizeCase(
  base: Omit<
    PeerCase,
    | "rps"
    | "p99Ms"
    | "meanMs"
    | "mbPerSec"
    | "serverCpuUsPerRequest"
    | "toolCpuPercent"
    | "retention"
  >,
): PeerCase {
  const field = (pick: (r: RoundResult) => number | undefined): Spread | undefined => {
    const values = base.rounds.map(pick).filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : spreadOf(values);
  };
  const result: PeerCase = { ...base, rps: spreadOf(base.rounds.map((r) => r.rps)) };
  const optional = {
    p99Ms: field((r) => r.p99Ms),
    meanMs: field((r) => r.meanMs),
    mbPerSec: field((r) => r.mbPerSec),
    serverCpuUsPerRequest: field((r) => r.serverCpuUsPerRequest),
    toolCpuPercent: field((r) => r.toolCpuPercent),
    retention: field((r) => r.retention),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) {
      (result as unknown as Record<string, Spread>)[key] = value;
    }
  }
  return result;
}

/** Checks the shape of a peers JSON file well enough to render it. */
export function parsePeersResults(text: string): PeersResults {
  const value = JSON.parse(text) as Partial<PeersResults>;
  if (
    value.kind !== "loopstall-peers" ||
    !Array.isArray(value.cases) ||
    !Array.isArray(value.ratios)
  ) {
    throw new Error("not a bench:peers results file (kind loopstall-peers with cases and ratios)");
  }
  return value as PeersResults;
}
