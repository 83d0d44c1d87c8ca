/**
 * The worker-thread side of the load engine: runs either the probe or the
 * heavy clients on its own event loop, so handling big responses can't
 * distort the probe's clock, and streams compact records to the parent.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createHeavyCaller, type HeavyCallOptions } from "./heavy-call.js";
import { allowOrigins } from "./local-target.js";
import { createProbeCaller, type ProbeCallOptions } from "./probe-call.js";
import type { RequestRecord, WorkloadOptions, WorkloadResult } from "./workload.js";
import { runWorkload } from "./workload.js";

/** The workload knobs a thread runs with (the `call` is built in the thread). */
export type ThreadWorkload = Pick<
  WorkloadOptions,
  "concurrency" | "connections" | "durationMs" | "rps" | "timeoutMs"
> & {
  /** Hard cap on calls; the run is cancelled when it is reached. */
  maxCalls: number;
};

export type ThreadConfig = (
  | { role: "probe"; probe: ProbeCallOptions; workload: ThreadWorkload }
  | { role: "heavy"; heavy: HeavyCallOptions; workload: ThreadWorkload }
) & {
  /** Non-loopback origins the user allowed (`--allow-remote`). */
  allowedOrigins?: string[];
};

/** Parent → thread. */
export type ToThread = { type: "start" } | { type: "stop" };

/** A finished request, without the error text (kept apart, a few samples only). */
export type CompactRecord = Omit<RequestRecord, "error">;

/** Thread → parent. */
export type FromThread =
  | { type: "ready"; placement?: string }
  | { type: "records"; records: CompactRecord[]; errors: string[] }
  | { type: "done"; result: WorkloadResult }
  | { type: "failed"; message: string };

/** How often a thread flushes its records to the parent. */
const flushIntervalMs = 100;
/** Error messages sent per flush (the rest are counted, not described). */
const errorSamplesPerFlush = 3;

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) {
    throw new Error("load-thread.ts must run in a worker thread");
  }
  const config = workerData as ThreadConfig;
  allowOrigins(config.allowedOrigins ?? []);
  const caller =
    config.role === "probe" ? createProbeCaller(config.probe) : createHeavyCaller(config.heavy);
  const stop = new AbortController();
  let records: CompactRecord[] = [];
  let errors: string[] = [];
  const send = (message: FromThread) => port.postMessage(message);
  const flush = () => {
    if (records.length > 0 || errors.length > 0) {
      send({ type: "records", records, errors });
      records = [];
      errors = [];
    }
  };
  const started = new Promise<void>((resolve) => {
    port.on("message", (message: ToThread) => {
      if (message.type === "start") {
        resolve();
      } else {
        // A stop before the start (Ctrl-C in the baseline, before the heavy
        // phase) ends the thread now instead of at its planned start.
        stop.abort("stopped");
        resolve();
      }
    });
  });
  const placement = await caller.prepare();
  send({ type: "ready", ...(placement !== undefined && { placement }) });
  await started;
  const timer = setInterval(flush, flushIntervalMs);
  let calls = 0;
  try {
    const { maxCalls, ...workload } = config.workload;
    const result = await runWorkload({
      ...workload,
      signal: stop.signal,
      call(conn, signal) {
        if (++calls >= maxCalls) {
          stop.abort("call cap reached");
        }
        return caller.call(conn, signal);
      },
      onRecord(record) {
        const { error, ...rest } = record;
        records.push(rest);
        if (error !== undefined && errors.length < errorSamplesPerFlush) {
          errors.push(`${record.status}: ${error}`);
        }
      },
    });
    flush();
    send({ type: "done", result });
  } finally {
    clearInterval(timer);
    caller.close();
    port.close();
  }
}

main().catch((error: unknown) => {
  parentPort?.postMessage({
    type: "failed",
    message: error instanceof Error ? error.message : String(error),
  } satisfies FromThread);
  parentPort?.close();
});
