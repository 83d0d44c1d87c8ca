import { AbortFanout } from "./abort-fanout.js";
import { isConnectionError } from "./connection-error.js";

/**
 * What one call returned. `status` is a gRPC code name as ghz writes it:
 * "OK", "Unavailable", "DeadlineExceeded", ...
 */
export interface CallOutcome {
  status: string;
  error?: string;
  /** The `x-worker` response header (the serving process's pid), if any. */
  worker?: string;
  /** Response bytes received. */
  bytes?: number;
}

/** One finished request. */
export interface RequestRecord {
  /**
   * Epoch ms (fractional) at which the call started; in the open model, the
   * time it was *scheduled* to start, so queueing behind a stall counts.
   */
  start: number;
  latencyMs: number;
  status: string;
  error?: string;
  worker?: string;
  bytes?: number;
}

export interface WorkloadOptions {
  /**
   * Performs one call on connection `conn` (0..connections-1); must honour
   * `signal` (the per-call timeout, also aborted when the run is cancelled).
   */
  call(conn: number, signal: AbortSignal): Promise<CallOutcome>;
  /** Concurrent workers (ghz -c); in the open model, the most calls in flight. */
  concurrency: number;
  /**
   * Number of connections the calls are spread over (ghz --connections); the
   * caller builds one transport per connection. Worker `i` uses connection
   * `i % connections`.
   */
  connections: number;
  /** Stop after this many calls (ghz -n). */
  total?: number;
  /** Or after this long (ghz -z; overrides total when set). */
  durationMs?: number;
  /** Open-model arrival rate in calls/s (ghz -r); 0/undefined = closed loop as fast as possible. */
  rps?: number;
  /** Per-call timeout in ms (ghz -t). */
  timeoutMs: number;
  /** Called for every finished request (e.g. to bucket a timeline or keep ghz details). */
  onRecord?(record: RequestRecord): void;
  /** Aborts the whole run (end reason "cancel"). */
  signal?: AbortSignal;
}

export interface WorkloadResult {
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms. */
  endedAt: number;
  /** Calls finished (every status). */
  count: number;
  /** "normal": `total` calls done; "timeout": `durationMs` passed; "cancel": `signal` aborted. */
  endReason: "normal" | "cancel" | "timeout";
}

/**
 * After a call fails with `Unavailable` (no connection: refused, reset, lost),
 * its worker waits before the next call: 10 ms, doubling per failure in a
 * row up to 1 s, and back to none after a success. Without it, a run against
 * a port nobody listens on spins through thousands of failures a second.
 */
export const connectionBackoff = { initialMs: 10, maxMs: 1_000 } as const;

/** The hard cap on `total`, so a typo can't start an endless run. */
export const maxTotal = 100_000_000;

/**
 * Runs calls until `total` calls are done, `durationMs` passes or `signal`
 * aborts. Closed model (no `rps`): `concurrency` loops that each start the
 * next call as soon as the previous one finishes. Open model (`rps` > 0):
 * call `i` is due at `start + i / rps`; a free worker takes the next due
 * call, and its latency is measured from when it was due, so a stall that
 * delays starts is not hidden (coordinated omission).
 */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const { call, timeoutMs, onRecord, signal } = options;
  checkOptions(options);
  const concurrency = options.concurrency;
  const connections = options.connections;
  const rps = options.rps ?? 0;
  const durationMs = options.durationMs ?? 0;
  const total = durationMs > 0 ? Number.POSITIVE_INFINITY : (options.total ?? 200);

  const startedAt = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  const deadline = durationMs > 0 ? t0 + durationMs : Number.POSITIVE_INFINITY;
  let issued = 0;
  let count = 0;

  // In the open model, calls that fell behind schedule still start after the
  // deadline, but only within one timeout of it, so the run stays bounded.
  const lastStart = rps > 0 ? deadline + timeoutMs : deadline;

  /** Takes the next call slot, or undefined when the run is over. */
  const nextSlot = (): number | undefined => {
    if (signal?.aborted || issued >= total || performance.now() >= lastStart) {
      return undefined;
    }
    if (rps > 0 && t0 + (issued * 1000) / rps >= deadline) {
      return undefined;
    }
    return issued++;
  };

  // One listener on the run's signal for every call and wait, however many
  // are in flight (see abort-fanout.ts).
  const cancel = new AbortFanout(signal);

  const runOne = async (conn: number, scheduled: number): Promise<string> => {
    const began = performance.now();
    // A controller per call, linked through the fanout: AbortSignal.any on one
    // long-lived signal keeps every call's signal alive in Node 20.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`call timed out after ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
    const unsubscribe = cancel.subscribe((reason) => controller.abort(reason));
    let outcome: CallOutcome;
    try {
      outcome = await call(conn, controller.signal);
    } catch (error) {
      outcome = {
        status: timedOut
          ? "DeadlineExceeded"
          : signal?.aborted
            ? "Canceled"
            : isConnectionError(error)
              ? "Unavailable"
              : "Unknown",
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      clearTimeout(timer);
      unsubscribe();
    }
    const ended = performance.now();
    const from = rps > 0 ? scheduled : began;
    count++;
    onRecord?.({
      start: performance.timeOrigin + from,
      latencyMs: ended - from,
      status: outcome.status,
      ...(outcome.error !== undefined && { error: outcome.error }),
      ...(outcome.worker !== undefined && { worker: outcome.worker }),
      ...(outcome.bytes !== undefined && { bytes: outcome.bytes }),
    });
    return outcome.status;
  };

  const loop = async (index: number): Promise<void> => {
    const conn = index % connections;
    let failuresInARow = 0;
    for (let slot = nextSlot(); slot !== undefined; slot = nextSlot()) {
      let scheduled = performance.now();
      if (rps > 0) {
        scheduled = t0 + (slot * 1000) / rps;
        const wait = scheduled - performance.now();
        if (wait > 0 && !(await cancel.sleep(wait))) {
          return; // The run stopped while this worker waited.
        }
      }
      const status = await runOne(conn, scheduled);
      failuresInARow = status === "Unavailable" ? failuresInARow + 1 : 0;
      if (failuresInARow > 0) {
        const backoffMs = Math.min(
          connectionBackoff.maxMs,
          connectionBackoff.initialMs * 2 ** (failuresInARow - 1),
        );
        if (!(await cancel.sleep(Math.min(backoffMs, deadline - performance.now())))) {
          return;
        }
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
  } catch (error) {
    if (!signal?.aborted) {
      throw error;
    }
  } finally {
    cancel.dispose();
  }
  const endReason = signal?.aborted ? "cancel" : durationMs > 0 ? "timeout" : "normal";
  return { startedAt, endedAt: performance.timeOrigin + performance.now(), count, endReason };
}

function checkOptions(o: WorkloadOptions): void {
  const positiveInt = (name: string, value: number | undefined, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > max)) {
      throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
    }
  };
  positiveInt("concurrency", o.concurrency, 10_000);
  positiveInt("connections", o.connections, 10_000);
  positiveInt("total", o.total, maxTotal);
  positiveInt("timeoutMs", o.timeoutMs, 3_600_000);
  if (o.durationMs !== undefined && !(o.durationMs >= 0 && o.durationMs <= 86_400_000)) {
    throw new RangeError(`durationMs must be from 0 to 86,400,000, got ${o.durationMs}`);
  }
  if (o.rps !== undefined && !(o.rps >= 0 && o.rps <= 1_000_000)) {
    throw new RangeError(`rps must be from 0 to 1,000,000, got ${o.rps}`);
  }
}
