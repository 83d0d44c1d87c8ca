import { type CallSpec, httpGetSpec, liveConnectSpec } from "./call-spec.js";
import type { PlacementPlan } from "./connection-placement.js";
import { LoadAggregator } from "./load-aggregator.js";
import { checkPhases, type LoadOptions, type LoadResult } from "./load-settings.js";
import type { FromThread, ThreadConfig } from "./load-thread.js";
import { LoadThread } from "./load-thread-handle.js";
import { checkLocalTarget, remoteOrigins } from "./local-target.js";

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
  const warmupMs = (phases.warmupS ?? 0) * 1000;
  const baselineMs = phases.baselineS * 1000;
  const heavyMs = phases.heavyS * 1000;
  // The measured run; the probe runs the warm-up before it.
  const totalMs = baselineMs + heavyMs + phases.recoveryS * 1000;

  const allowedOrigins = remoteOrigins();
  const probeConfig: ThreadConfig = {
    role: "probe",
    allowedOrigins,
    probe: {
      target: probe.target,
      baseUrl: options.baseUrl,
      connections: probe.connections,
      ...(options.probeSpec && { spec: options.probeSpec }),
    },
    workload:
      probe.mode === "open"
        ? {
            // Enough callers that a full timeout's worth of arrivals never waits for one.
            concurrency: Math.min(10_000, Math.ceil((probe.rate * probe.timeoutMs) / 1000) + 1),
            connections: probe.connections,
            rps: probe.rate,
            durationMs: warmupMs + totalMs,
            timeoutMs: probe.timeoutMs,
            maxCalls,
          }
        : {
            concurrency: probe.connections,
            connections: probe.connections,
            durationMs: warmupMs + totalMs,
            timeoutMs: probe.timeoutMs,
            maxCalls,
          },
  };
  const heavyConfig: ThreadConfig = {
    role: "heavy",
    allowedOrigins,
    heavy: {
      format: options.format,
      strategy: options.strategy,
      shape: options.shape,
      baseUrl: options.baseUrl,
      connections: heavy.connections,
      verify: heavy.verify,
      windowBytes: heavy.windowBytes,
      ...(options.heavySpec && { spec: options.heavySpec }),
      ...placementOf(options),
    },
    workload: {
      concurrency: heavy.concurrency,
      connections: heavy.connections,
      durationMs: heavyMs,
      timeoutMs: heavy.timeoutMs,
      maxCalls,
    },
  };

  const aggregator = new LoadAggregator();
  const onRecords = (role: "probe" | "heavy", message: FromThread & { type: "records" }) =>
    aggregator.add(role, message.records, message.errors);

  const probeThread = new LoadThread(probeConfig, (m) => onRecords("probe", m));
  const heavyThread = new LoadThread(heavyConfig, (m) => onRecords("heavy", m));
  const timers: NodeJS.Timeout[] = [];
  try {
    await Promise.all([probeThread.ready, heavyThread.ready]);
    if (heavyThread.placement !== undefined) {
      options.onPlacement?.(heavyThread.placement);
    }
    // Start on a whole second, so that with whole-second phases every
    // timeline row lies in exactly one phase and the rows add up to the
    // phase summaries.
    const warmupStartedAt = Math.ceil(Date.now() / 1000) * 1000;
    await sleepUntil(warmupStartedAt);
    const cpuStart = process.cpuUsage();
    const startedAt = warmupStartedAt + warmupMs;
    // The timeline's t = 0 is the baseline's first second; warm-up seconds are negative.
    const firstSecond = startedAt / 1000;
    const heavyStartMs = startedAt + baselineMs;
    const heavyEndMs = heavyStartMs + heavyMs;
    aggregator.setWarmupEnd(startedAt);
    aggregator.setHeavyPhase(heavyStartMs, heavyEndMs);
    options.onPhase?.(warmupMs > 0 ? "warmup" : "baseline");
    probeThread.send({ type: "start" });
    if (warmupMs > 0) {
      timers.push(setTimeout(() => options.onPhase?.("baseline"), startedAt - Date.now()));
    }
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
    let nextSecond = warmupStartedAt / 1000;
    /** Reports every second that ended at least `lagMs` before `now`. */
    const reportSeconds = (now: number, lagMs: number) => {
      while (options.onSecond && (nextSecond + 1) * 1000 + lagMs <= now) {
        const point = aggregator.point(nextSecond, firstSecond);
        options.onSecond(point, aggregator.phaseOf(nextSecond * 1000));
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
    const watchdogMs = warmupMs + totalMs + Math.max(probe.timeoutMs, heavy.timeoutMs) + 15_000;
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
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = Math.max(1, endedAt - warmupStartedAt);
    const result = aggregator.result(
      Math.min(startedAt, endedAt),
      endedAt,
      ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      warmupStartedAt,
      options.kubelet,
    );
    return heavyThread.placement === undefined
      ? result
      : { ...result, placementPlan: heavyThread.placement };
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

/**
 * The heavy connections' placement plan with more than one worker: a cheap
 * call on the heavy connections' HTTP version that names its worker
 * (BankService's Live, or the user's probe call).
 */
function placementOf(options: LoadOptions): { placement?: PlacementPlan } {
  const workers = options.workers ?? 1;
  if (workers < 2) {
    return {};
  }
  let check: CallSpec | undefined;
  if (options.heavySpec === undefined) {
    check = options.format === "rest-json" ? httpGetSpec() : liveConnectSpec;
  } else if (options.probeSpec?.httpVersion === options.heavySpec.httpVersion) {
    check = options.probeSpec;
  }
  if (check === undefined || check.requests[0] === undefined) {
    return {};
  }
  return { placement: { workers, check: check.requests[0], shape: check.shape } };
}
