import type { Worker } from "node:worker_threads";
import type { Phase } from "../contract/phases.js";
import type { TimelinePoint } from "../contract/results.js";
import { phaseLimits } from "../contract/run-limits.js";
import type { ResolvedShape } from "../contract/shape.js";
import type { Format, Strategy } from "../contract/wire.js";
import { entryBeside, startWorker } from "../runtime/entry.js";
import { LatencyHistogram } from "./latency-histogram.js";
import type { FromThread, ThreadConfig, ToThread } from "./load-thread.js";
import { checkLocalTarget } from "./local-target.js";
import type { ProbeTarget } from "./probe-call.js";
import { SecondBuckets } from "./timeline.js";
import { receiveWindowBytes } from "./transports.js";
import { WorkerTally } from "./worker-tally.js";

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
  /** Hard cap on calls per thread (probe, heavy). Default 2,000,000. */
  maxCalls?: number;
  /**
   * Called about 300 ms after each wall-clock second ends, with that second's
   * counts and the phase it belongs to. The run starts on a whole second, so
   * with whole-second phases each second lies in one phase, and the seconds
   * of a phase add up to its {@link PhaseStats}.
   */
  onSecond?(point: TimelinePoint, phase: Phase): void;
  /** Called when a phase starts (before that phase's first second is reported). */
  onPhase?(phase: Phase): void;
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

export const defaultPhaseSettings: PhaseSettings = { baselineS: 5, heavyS: 10, recoveryS: 5 };

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
  /** One point per second; `t` counts from the second the run started in. */
  timeline: TimelinePoint[];
  /** Seconds (on the timeline's `t` axis) at which heavy load started and stopped. */
  phases: { heavyStart: number; heavyEnd: number };
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
  /** Load generator CPU (all threads) ÷ wall time; 100 = one core. */
  loadgenCpuPercent: number;
  /** A few error messages, for diagnosis. */
  errorSamples: string[];
}

const maxErrorSamples = 10;

/**
 * Runs one load cell: a probe thread for the whole run and a heavy thread
 * during the middle phase, each on its own event loop, and aggregates what
 * they report into a timeline, per-phase probe stats and heavy throughput.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  checkLocalTarget(options.baseUrl);
  checkPhases(options.phases);
  const { probe, heavy, phases } = options;
  const maxCalls = options.maxCalls ?? 2_000_000;
  const baselineMs = phases.baselineS * 1000;
  const heavyMs = phases.heavyS * 1000;
  const totalMs = baselineMs + heavyMs + phases.recoveryS * 1000;

  const probeConfig: ThreadConfig = {
    role: "probe",
    probe: { target: probe.target, baseUrl: options.baseUrl, connections: probe.connections },
    workload:
      probe.mode === "open"
        ? {
            // Enough callers that a full timeout's worth of arrivals never waits for one.
            concurrency: Math.min(10_000, Math.ceil((probe.rate * probe.timeoutMs) / 1000) + 1),
            connections: probe.connections,
            rps: probe.rate,
            durationMs: totalMs,
            timeoutMs: probe.timeoutMs,
            maxCalls,
          }
        : {
            concurrency: probe.connections,
            connections: probe.connections,
            durationMs: totalMs,
            timeoutMs: probe.timeoutMs,
            maxCalls,
          },
  };
  const heavyConfig: ThreadConfig = {
    role: "heavy",
    heavy: {
      format: options.format,
      strategy: options.strategy,
      shape: options.shape,
      baseUrl: options.baseUrl,
      connections: heavy.connections,
      verify: heavy.verify,
      windowBytes: heavy.windowBytes,
    },
    workload: {
      concurrency: heavy.concurrency,
      connections: heavy.connections,
      durationMs: heavyMs,
      timeoutMs: heavy.timeoutMs,
      maxCalls,
    },
  };

  const buckets = new SecondBuckets();
  const tally = new WorkerTally();
  const histograms = {
    baseline: new LatencyHistogram(),
    heavy: new LatencyHistogram(),
    recovery: new LatencyHistogram(),
  };
  const probeOk = { baseline: 0, heavy: 0, recovery: 0 };
  const errorSamples: string[] = [];
  let probeErrors = 0;
  const heavyStats = { completed: 0, errors: 0, cancelled: 0, responseBytes: 0, totalBytes: 0 };
  // The phases' planned edges (epoch ms), set when the run starts; records and
  // timeline rows belong to a phase by these, so both always agree.
  let heavyStartMs = Number.POSITIVE_INFINITY;
  let heavyEndMs = Number.POSITIVE_INFINITY;
  const phaseOf = (ms: number): Phase =>
    ms < heavyStartMs ? "baseline" : ms < heavyEndMs ? "heavy" : "recovery";

  const onRecords = (role: "probe" | "heavy", message: FromThread & { type: "records" }) => {
    for (const error of message.errors) {
      // Heavy calls cut off at the end of their phase are expected, not errors.
      if (errorSamples.length < maxErrorSamples && !error.startsWith("Canceled:")) {
        errorSamples.push(`${role}: ${error}`);
      }
    }
    for (const r of message.records) {
      const end = r.start + r.latencyMs;
      const ok = r.status === "OK";
      if (ok) {
        buckets.add(role, end);
      }
      // Calls cut off before an answer were served by nobody: not tallied.
      if (r.worker !== undefined) {
        tally.add(r.worker);
      }
      if (role === "probe") {
        histograms[phaseOf(r.start)].record(r.latencyMs);
        if (ok) {
          probeOk[phaseOf(end)]++;
        } else {
          probeErrors++;
        }
      } else if (ok) {
        heavyStats.completed++;
        heavyStats.responseBytes = r.bytes ?? 0;
        heavyStats.totalBytes += r.bytes ?? 0;
      } else if (r.status === "Canceled") {
        heavyStats.cancelled++;
      } else {
        heavyStats.errors++;
      }
    }
  };

  const probeThread = new LoadThread(probeConfig, (m) => onRecords("probe", m));
  const heavyThread = new LoadThread(heavyConfig, (m) => onRecords("heavy", m));
  const timers: NodeJS.Timeout[] = [];
  try {
    await Promise.all([probeThread.ready, heavyThread.ready]);
    // Start on a whole second, so that with whole-second phases every
    // timeline row lies in exactly one phase and the rows add up to the
    // phase summaries.
    const startedAt = Math.ceil(Date.now() / 1000) * 1000;
    await sleepUntil(startedAt);
    const cpuStart = process.cpuUsage();
    const firstSecond = startedAt / 1000;
    heavyStartMs = startedAt + baselineMs;
    heavyEndMs = heavyStartMs + heavyMs;
    options.onPhase?.("baseline");
    probeThread.send({ type: "start" });
    timers.push(
      setTimeout(() => {
        options.onPhase?.("heavy");
        heavyThread.send({ type: "start" });
      }, heavyStartMs - Date.now()),
      setTimeout(() => {
        options.onPhase?.("recovery");
        // Cancel the heavy calls still in flight so recovery starts clean.
        heavyThread.send({ type: "stop" });
      }, heavyEndMs - Date.now()),
    );
    let nextSecond = firstSecond;
    /** Reports every second that ended at least `lagMs` before `now`. */
    const reportSeconds = (now: number, lagMs: number) => {
      while (options.onSecond && (nextSecond + 1) * 1000 + lagMs <= now) {
        const point = { t: nextSecond - firstSecond, epoch: nextSecond, ...buckets.at(nextSecond) };
        options.onSecond(point, phaseOf(nextSecond * 1000));
        nextSecond++;
      }
    };
    const tick = () => {
      reportSeconds(Date.now(), 300);
      timers.push(setTimeout(tick, (nextSecond + 1) * 1000 + 300 - Date.now()));
    };
    tick();
    const onAbort = () => {
      probeThread.send({ type: "stop" });
      heavyThread.send({ type: "stop" });
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // The run is bounded: past this, the threads are terminated.
    const watchdogMs = totalMs + Math.max(probe.timeoutMs, heavy.timeoutMs) + 15_000;
    const watchdog = new Promise<never>((_, reject) => {
      timers.push(
        setTimeout(
          () => reject(new Error(`load run did not finish within ${watchdogMs} ms`)),
          watchdogMs,
        ),
      );
    });
    try {
      await Promise.race([Promise.all([probeThread.done, heavyThread.done]), watchdog]);
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
    }
    const endedAt = Date.now();
    // Every record is in: report the remaining seconds, the last one partial.
    reportSeconds(endedAt + 1000, 0);
    // Stopped early (cancelled): the phases that did not happen end with the run.
    heavyStartMs = Math.min(heavyStartMs, endedAt);
    heavyEndMs = Math.min(heavyEndMs, endedAt);
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = Math.max(1, endedAt - startedAt);
    const phaseStats = (phase: Phase, fromMs: number, toMs: number): PhaseStats => {
      const seconds = Math.max(0.001, (toMs - fromMs) / 1000);
      const h = histograms[phase];
      return {
        completed: probeOk[phase],
        rps: probeOk[phase] / seconds,
        p50Ms: h.percentile(50),
        p99Ms: h.percentile(99),
        maxMs: h.maxMs,
      };
    };
    const heavySeconds = Math.max(0.001, (heavyEndMs - heavyStartMs) / 1000);
    const origin = firstSecond * 1000;
    return {
      startedAt,
      endedAt,
      timeline: buckets.points(startedAt, endedAt),
      phases: {
        heavyStart: (heavyStartMs - origin) / 1000,
        heavyEnd: (heavyEndMs - origin) / 1000,
      },
      probe: {
        baseline: phaseStats("baseline", startedAt, heavyStartMs),
        heavy: phaseStats("heavy", heavyStartMs, heavyEndMs),
        recovery: phaseStats("recovery", heavyEndMs, endedAt),
        errors: probeErrors,
      },
      heavy: {
        ...heavyStats,
        rps: heavyStats.completed / heavySeconds,
        mbPerS: heavyStats.totalBytes / 1e6 / heavySeconds,
      },
      workerSpread: tally.toRecord(),
      loadgenCpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      errorSamples,
    };
  } finally {
    for (const timer of timers) {
      clearTimeout(timer);
    }
    await Promise.all([probeThread.terminate(), heavyThread.terminate()]);
  }
}

/** Waits until the wall clock reads `epochMs` (timers may fire a millisecond early). */
async function sleepUntil(epochMs: number): Promise<void> {
  while (Date.now() < epochMs) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, epochMs - Date.now())));
  }
}

/** The engine's thread entry, compiled or source like this module. */
const loadThreadEntry = entryBeside(import.meta.url, "./load-thread");

/** One worker thread of the engine, with promises for its lifecycle. */
class LoadThread {
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  private readonly worker: Worker;

  constructor(config: ThreadConfig, onRecords: (m: FromThread & { type: "records" }) => void) {
    this.worker = startWorker(loadThreadEntry, { workerData: config });
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.done = new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        failReady(error);
        reject(error);
      };
      this.worker.on("message", (message: FromThread) => {
        switch (message.type) {
          case "ready":
            markReady();
            break;
          case "records":
            onRecords(message);
            break;
          case "done":
            resolve();
            break;
          case "failed":
            fail(new Error(`${config.role} thread failed: ${message.message}`));
            break;
        }
      });
      this.worker.once("error", (error) => fail(error));
      this.worker.once("exit", (code) =>
        fail(new Error(`${config.role} thread exited early (code ${code})`)),
      );
    });
    // Whoever awaits `ready` sees a failure; `done` must not be an unhandled rejection meanwhile.
    this.done.catch(() => {});
  }

  send(message: ToThread): void {
    this.worker.postMessage(message);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

function checkPhases(p: PhaseSettings): void {
  for (const [name, value] of Object.entries(p)) {
    const max = phaseLimits[name as keyof PhaseSettings].max;
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new RangeError(`${name} must be from 0 to ${max} seconds, got ${value}`);
    }
  }
  if (p.heavyS <= 0) {
    throw new RangeError("heavyS must be more than 0 seconds");
  }
}
