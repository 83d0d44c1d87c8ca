import type { Phase } from "../contract/phases.js";
import type { TimelinePoint } from "../contract/results.js";
import {
  defaultKubeletSettings,
  type KubeletSettings,
  ProbeSampler,
  simulateKubelet,
} from "./kubelet.js";
import { LatencyHistogram } from "./latency-histogram.js";
import type { LoadPhase, LoadResult, PhaseStats } from "./load-settings.js";
import type { CompactRecord } from "./load-thread.js";
import { SecondBuckets } from "./timeline.js";
import { WorkerTally } from "./worker-tally.js";

const maxErrorSamples = 10;

/**
 * Turns the records the probe and heavy threads report into a run's
 * timeline, per-phase probe stats, heavy throughput and worker spread. Pure:
 * no threads and no clock of its own, so it is tested by feeding it records.
 *
 * Records belong to a phase by the phases' planned edges, which the timeline
 * rows use too, so both always agree.
 */
export class LoadAggregator {
  readonly #buckets = new SecondBuckets();
  readonly #tally = new WorkerTally();
  readonly #histograms = {
    baseline: new LatencyHistogram(),
    heavy: new LatencyHistogram(),
    recovery: new LatencyHistogram(),
  };
  readonly #probeOk = { baseline: 0, heavy: 0, recovery: 0 };
  readonly #errorSamples: string[] = [];
  #probeErrors = 0;
  readonly #heavy = { completed: 0, errors: 0, cancelled: 0, responseBytes: 0, totalBytes: 0 };
  readonly #placement = { probe: new WorkerTally(), heavy: new WorkerTally() };
  readonly #sampler = new ProbeSampler();
  #warmupEndMs = Number.NEGATIVE_INFINITY;
  #heavyStartMs = Number.POSITIVE_INFINITY;
  #heavyEndMs = Number.POSITIVE_INFINITY;

  /** Sets the heavy phase's planned edges, epoch ms. Until then, everything is baseline. */
  setHeavyPhase(startMs: number, endMs: number): void {
    this.#heavyStartMs = startMs;
    this.#heavyEndMs = endMs;
  }

  /** Sets the end of the discarded warm-up, epoch ms: calls started before it count in no statistic. */
  setWarmupEnd(ms: number): void {
    this.#warmupEndMs = ms;
  }

  /** The phase holding the moment `ms` (epoch ms). */
  phaseOf(ms: number): LoadPhase {
    return ms < this.#warmupEndMs ? "warmup" : this.#measuredPhaseOf(ms);
  }

  #measuredPhaseOf(ms: number): Phase {
    return ms < this.#heavyStartMs ? "baseline" : ms < this.#heavyEndMs ? "heavy" : "recovery";
  }

  /** Adds one flush of a thread: its finished calls and a few error texts. */
  add(role: "probe" | "heavy", records: readonly CompactRecord[], errors: readonly string[]): void {
    for (const error of errors) {
      // Heavy calls cut off at the end of their phase are expected, not errors.
      if (this.#errorSamples.length < maxErrorSamples && !error.startsWith("Canceled:")) {
        this.#errorSamples.push(`${role}: ${error}`);
      }
    }
    for (const r of records) {
      const end = r.start + r.latencyMs;
      const ok = r.status === "OK";
      if (ok) {
        this.#buckets.add(role, end);
      }
      if (r.start < this.#warmupEndMs) {
        // Warm-up: on the timeline, in no statistic, except that a call
        // finishing after it counts as a completion of the phase it ends in,
        // as a call crossing any phase edge does (the rows add up).
        if (ok && role === "probe" && end >= this.#warmupEndMs) {
          this.#probeOk[this.#measuredPhaseOf(end)]++;
        }
        continue;
      }
      // Calls cut off before an answer were served by nobody: not tallied.
      if (r.worker !== undefined) {
        this.#tally.add(r.worker);
        this.#placement[role].add(r.worker);
      }
      if (role === "probe") {
        this.#sampler.add({ startMs: r.start, latencyMs: r.latencyMs, ok });
        this.#histograms[this.#measuredPhaseOf(r.start)].record(r.latencyMs);
        if (ok) {
          this.#probeOk[this.#measuredPhaseOf(end)]++;
        } else {
          this.#probeErrors++;
        }
      } else if (ok) {
        this.#heavy.completed++;
        this.#heavy.responseBytes = r.bytes ?? 0;
        this.#heavy.totalBytes += r.bytes ?? 0;
      } else if (r.status === "Canceled") {
        this.#heavy.cancelled++;
      } else {
        this.#heavy.errors++;
      }
    }
  }

  /** The timeline point of one unix second, `t` counted from `firstSecond`. */
  point(second: number, firstSecond: number): TimelinePoint {
    return { t: second - firstSecond, epoch: second, ...this.#buckets.at(second) };
  }

  /**
   * The run's result. `startedAt` (the baseline's start) is a whole second;
   * a run stopped early ends the phases that did not happen at `endedAt`.
   * `warmupStartedAt` is when the warm-up began (default: no warm-up).
   */
  result(
    startedAt: number,
    endedAt: number,
    loadgenCpuPercent: number,
    warmupStartedAt = startedAt,
    kubelet: KubeletSettings = defaultKubeletSettings,
  ): LoadResult {
    const heavyStartMs = Math.min(this.#heavyStartMs, endedAt);
    const heavyEndMs = Math.min(this.#heavyEndMs, endedAt);
    const phaseStats = (phase: Phase, fromMs: number, toMs: number): PhaseStats => {
      const seconds = Math.max(0.001, (toMs - fromMs) / 1000);
      const h = this.#histograms[phase];
      return {
        completed: this.#probeOk[phase],
        rps: this.#probeOk[phase] / seconds,
        p50Ms: h.percentile(50),
        p99Ms: h.percentile(99),
        maxMs: h.maxMs,
      };
    };
    const heavySeconds = Math.max(0.001, (heavyEndMs - heavyStartMs) / 1000);
    const origin = Math.floor(startedAt / 1000) * 1000;
    return {
      startedAt,
      endedAt,
      timeline: this.#buckets
        .points(warmupStartedAt, endedAt)
        .map((p) => ({ ...p, t: p.epoch - origin / 1000 })),
      phases: {
        warmupStart: (Math.min(warmupStartedAt, startedAt) - origin) / 1000,
        heavyStart: (heavyStartMs - origin) / 1000,
        heavyEnd: (heavyEndMs - origin) / 1000,
      },
      probe: {
        baseline: phaseStats("baseline", startedAt, heavyStartMs),
        heavy: phaseStats("heavy", heavyStartMs, heavyEndMs),
        recovery: phaseStats("recovery", heavyEndMs, endedAt),
        errors: this.#probeErrors,
      },
      heavy: {
        ...this.#heavy,
        rps: this.#heavy.completed / heavySeconds,
        mbPerS: this.#heavy.totalBytes / 1e6 / heavySeconds,
      },
      workerSpread: this.#tally.toRecord(),
      placement: {
        probe: this.#placement.probe.toRecord(),
        heavy: this.#placement.heavy.toRecord(),
      },
      kubernetes: simulateKubelet(this.#sampler, kubelet, startedAt, endedAt, origin),
      loadgenCpuPercent,
      errorSamples: [...this.#errorSamples],
    };
  }
}
