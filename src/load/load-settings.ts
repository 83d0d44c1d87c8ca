/**
 * The load engine's settings, their defaults and limits, and the shape of
 * what a run returns.
 */

import type { Phase } from "../contract/phases.js";
import type { TimelinePoint } from "../contract/results.js";
import { phaseLimits } from "../contract/run-limits.js";
import type { ResolvedShape } from "../contract/shape.js";
import type { Format, Strategy } from "../contract/wire.js";
import type { CallSpec } from "./call-spec.js";
import type { KubeletSettings, KubeletVerdict } from "./kubelet.js";
import type { ProbeTarget } from "./probe-call.js";
import { receiveWindowBytes } from "./transports.js";

export interface ProbeSettings {
  /**
   * `closed`: one sequential caller per connection, like the seed.
   * `open`: calls arrive at `rate` per second whatever the server does, and
   * latency counts from the scheduled start. Default `closed`.
   */
  mode: "closed" | "open";
  /** What the probe calls. Default `connect` (`BankService/Live`). */
  target: ProbeTarget;
  /** Connections (and closed-model callers). Default 4. */
  connections: number;
  /** Open-model arrival rate in calls/s. Default 200. */
  rate: number;
  /** Per-call timeout. Default 1,000 ms. */
  timeoutMs: number;
}

export interface HeavySettings {
  /** Concurrent heavy callers. Default 2. */
  concurrency: number;
  /** Connections they share. Default = concurrency. */
  connections: number;
  /** Per-call timeout. Default 60,000 ms. */
  timeoutMs: number;
  /** Decode and check every heavy response. Default false. */
  verify: boolean;
  /** HTTP/2 receive window of the heavy connections, bytes. Default 16 MiB. */
  windowBytes: number;
}

export interface PhaseSettings {
  /**
   * Seconds of probe alone before the baseline, discarded: the JIT and the
   * connections warm up here. On the timeline (at negative seconds), in no
   * statistic. Default 3; absent = none.
   */
  warmupS?: number;
  /** Seconds of probe alone before the heavy load. Default 5. */
  baselineS: number;
  /** Seconds of heavy load. Default 10. */
  heavyS: number;
  /** Seconds of probe alone after it. Default 5. */
  recoveryS: number;
}

export interface LoadOptions {
  /** Loopback base URL of the server. */
  baseUrl: string;
  format: Format;
  strategy: Strategy;
  shape: ResolvedShape;
  probe: ProbeSettings;
  heavy: HeavySettings;
  phases: PhaseSettings;
  /** The probe as a call of the user's own service (`--probe-call`, `--probe-path`). Default: `probe.target`. */
  probeSpec?: CallSpec;
  /** The heavy call of the user's own service (`--heavy-call`). Default: BankService's, from `format`, `strategy` and `shape`. */
  heavySpec?: CallSpec;
  /** Hard cap on calls per thread (probe, heavy). Default 2,000,000. */
  maxCalls?: number;
  /**
   * Called about 300 ms after each wall-clock second ends, with that second's
   * counts and the phase it belongs to. The run starts on a whole second, so
   * with whole-second phases each second lies in one phase, and the seconds
   * of a phase add up to its {@link PhaseStats}.
   */
  onSecond?(point: TimelinePoint, phase: LoadPhase): void;
  /** Called once before the run with how the heavy connections were placed (with `workers` > 1). */
  onPlacement?(description: string): void;
  /** Called when a phase starts (before that phase's first second is reported). */
  onPhase?(phase: LoadPhase): void;
  /**
   * The server's worker processes. With more than one, the heavy connections
   * are spread evenly over them before the run (see connection-placement.ts).
   * Default 1.
   */
  workers?: number;
  /** The kubelet probes to simulate from the probe calls. Default: Kubernetes' defaults for both. */
  kubelet?: KubeletSettings;
  /** Stops the run early; the result covers what was done. */
  signal?: AbortSignal;
}

export const defaultProbeSettings: ProbeSettings = {
  mode: "closed",
  target: "connect",
  connections: 4,
  rate: 200,
  timeoutMs: 1_000,
};

export const defaultHeavySettings: HeavySettings = {
  concurrency: 2,
  connections: 2,
  timeoutMs: 60_000,
  verify: false,
  windowBytes: receiveWindowBytes,
};

export const defaultPhaseSettings: PhaseSettings = {
  warmupS: 3,
  baselineS: 5,
  heavyS: 10,
  recoveryS: 5,
};

/** The longest warm-up, seconds. */
export const maxWarmupS = 600;

/** A run's phases, the discarded warm-up among them. */
export type LoadPhase = "warmup" | Phase;

/** Probe numbers for one phase. */
export interface PhaseStats {
  /** Successful calls that completed in the phase. */
  completed: number;
  /** `completed` per second of the phase. */
  rps: number;
  /** Latency percentiles (ms) of calls that started in the phase, failures included. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadResult {
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  /**
   * One point per second; `t` counts from the second the baseline started
   * in, so warm-up seconds have negative `t`.
   */
  timeline: TimelinePoint[];
  /**
   * Seconds (on the timeline's `t` axis) at which the warm-up started (0 or
   * negative; 0 = no warm-up) and heavy load started and stopped.
   */
  phases: { warmupStart?: number; heavyStart: number; heavyEnd: number };
  probe: {
    baseline: PhaseStats;
    heavy: PhaseStats;
    recovery: PhaseStats;
    /** Failed or timed-out probe calls. */
    errors: number;
  };
  heavy: {
    /** Successful heavy calls. */
    completed: number;
    /** Failed heavy calls (calls cut off at the end of the phase excluded). */
    errors: number;
    /** Calls still in flight when the heavy phase ended, cancelled. */
    cancelled: number;
    /** Size of one successful response, bytes (0 if none). */
    responseBytes: number;
    /** Bytes of successful responses. */
    totalBytes: number;
    /** Successful calls per second of the heavy phase. */
    rps: number;
    /** MB (10^6 bytes) of successful responses per second of the heavy phase. */
    mbPerS: number;
  };
  /** Answered requests per `x-worker` (server pid), probe and heavy together. */
  workerSpread: Record<string, number>;
  /** Where the calls landed: answered probe and heavy calls per `x-worker`, apart (embedded engine). */
  placement?: { probe: Record<string, number>; heavy: Record<string, number> };
  /** How the heavy connections were placed on the workers, when a plan applied. */
  placementPlan?: string;
  /** What a kubelet would have done, from the probe calls (embedded engine). */
  kubernetes?: KubeletVerdict;
  /** Load generator CPU (all threads) ÷ wall time; 100 = one core. */
  loadgenCpuPercent: number;
  /** A few error messages, for diagnosis. */
  errorSamples: string[];
}

/** Throws a RangeError for phases outside the shared limits. */
export function checkPhases(p: PhaseSettings): void {
  const { warmupS = 0, ...measured } = p;
  if (!Number.isFinite(warmupS) || warmupS < 0 || warmupS > maxWarmupS) {
    throw new RangeError(`warmupS must be from 0 to ${maxWarmupS} seconds, got ${warmupS}`);
  }
  for (const [name, value] of Object.entries(measured)) {
    const max = phaseLimits[name as keyof typeof phaseLimits].max;
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new RangeError(`${name} must be from 0 to ${max} seconds, got ${value}`);
    }
  }
  if (p.heavyS <= 0) {
    throw new RangeError("heavyS must be more than 0 seconds");
  }
}
