import { createProbeCaller, type ProbeCaller } from "../../src/load/probe-call.js";
import { type RequestRecord, runWorkload } from "../../src/load/workload.js";

/** Options of {@link startSteadyLoad}. */
export interface SteadyLoadOptions {
  /** `http://127.0.0.1:port` of the server under test. */
  baseUrl: string;
  /** Keep-alive HTTP/1.1 connections calling `GET /.well-known/live`. Default 2. */
  http1Clients?: number;
  /** HTTP/2 connections calling Connect `BankService/Live`. Default 2. */
  http2Clients?: number;
  /** Each protocol stops after this many requests per connection. Default 5,000. */
  maxRequestsPerClient?: number;
  /** Each connection's calls are due this many ms apart. Default 5. */
  pauseMs?: number;
}

/** What a finished load run saw. */
export interface SteadyLoadResult {
  ok: number;
  failed: number;
  /** Failures of the HTTP/1.1 connections. */
  failedHttp1: number;
  /** Failures of the HTTP/2 Connect connections. */
  failedHttp2: number;
  /** HTTP/2 streams the server refused (`REFUSED_STREAM`: never processed, safe to retry). */
  refusedStreams: number;
  /** The first 20 failures, prefixed with `http1:` or `http2:`. */
  errors: string[];
  /** Requests answered per serving pid (`x-worker`). */
  byWorker: Map<number, number>;
}

/**
 * A bounded, continuous load on one server for restart, reload and drain
 * tests, on the load engine's own probe calls and workload runner: every
 * request is counted, and any failure (connection errors included) is a
 * failure. `stop()` ends it and resolves with the counts. Loopback only.
 */
export function startSteadyLoad(options: SteadyLoadOptions): {
  stop(): Promise<SteadyLoadResult>;
  /** Resolves once each protocol has had an answer per connection. */
  warm: Promise<void>;
} {
  const result: SteadyLoadResult = {
    ok: 0,
    failed: 0,
    failedHttp1: 0,
    failedHttp2: 0,
    refusedStreams: 0,
    errors: [],
    byWorker: new Map(),
  };
  const controller = new AbortController();
  const maxRequests = options.maxRequestsPerClient ?? 5_000;
  const pauseMs = options.pauseMs ?? 5;
  const warmups: Promise<void>[] = [];
  const runs: Promise<unknown>[] = [];
  const callers: ProbeCaller[] = [];
  const start = (protocol: "http1" | "http2", connections: number) => {
    if (connections === 0) {
      return;
    }
    const caller = createProbeCaller({
      target: protocol === "http1" ? "rest" : "connect",
      baseUrl: options.baseUrl,
      connections,
    });
    callers.push(caller);
    let answered = 0;
    let warmed = () => {};
    warmups.push(new Promise<void>((resolve) => (warmed = resolve)));
    const onRecord = (record: RequestRecord) => {
      if (record.status === "OK" && record.worker !== undefined) {
        result.ok++;
        const pid = Number(record.worker);
        result.byWorker.set(pid, (result.byWorker.get(pid) ?? 0) + 1);
        if (++answered >= connections) {
          warmed();
        }
        return;
      }
      if (controller.signal.aborted) {
        return; // Cut by stop(), not failed by the server.
      }
      result.failed++;
      result[protocol === "http1" ? "failedHttp1" : "failedHttp2"]++;
      const message = `${protocol}: ${record.status} ${record.error ?? ""}`;
      if (message.includes("REFUSED_STREAM")) {
        result.refusedStreams++;
      }
      if (result.errors.length < 20) {
        result.errors.push(message);
      }
    };
    runs.push(
      runWorkload({
        call: (conn, signal) =>
          caller.call(conn, signal).catch((error: unknown) => ({
            status: "Unavailable",
            error: String(error),
          })),
        concurrency: connections,
        connections,
        total: maxRequests * connections,
        rps: (connections * 1_000) / pauseMs,
        timeoutMs: 10_000,
        onRecord,
        signal: controller.signal,
      }),
    );
  };
  start("http1", options.http1Clients ?? 2);
  start("http2", options.http2Clients ?? 2);
  return {
    warm: Promise.all(warmups).then(() => {}),
    async stop() {
      controller.abort();
      await Promise.all(runs);
      for (const caller of callers) {
        caller.close();
      }
      return result;
    },
  };
}
