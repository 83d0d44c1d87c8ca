import { createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { BankService } from "../gen/bank/v1/bank_pb.js";

/** Options of {@link startSteadyLoad}. */
export interface SteadyLoadOptions {
  /** `http://127.0.0.1:port` of the server under test. */
  baseUrl: string;
  /** Concurrent HTTP/1.1 keep-alive fetch loops on `/.well-known/live`. Default 2. */
  http1Clients?: number;
  /** Concurrent Connect `Live` loops, each over its own HTTP/2 connection. Default 2. */
  http2Clients?: number;
  /** Each loop stops after this many requests. Default 5,000. */
  maxRequestsPerClient?: number;
  /** Pause between requests of a loop, in ms. Default 5. */
  pauseMs?: number;
}

/** What a finished load run saw. */
export interface SteadyLoadResult {
  ok: number;
  failed: number;
  /** Failures of the HTTP/1.1 fetch loops. */
  failedHttp1: number;
  /** Failures of the HTTP/2 Connect loops. */
  failedHttp2: number;
  /** HTTP/2 streams the server refused (`REFUSED_STREAM`: never processed, safe to retry). */
  refusedStreams: number;
  /** The first 20 failures, prefixed with `http1:` or `http2:`. */
  errors: string[];
  /** Requests answered per serving pid (`x-worker` or `LiveResponse.pid`). */
  byWorker: Map<number, number>;
}

/**
 * A bounded, continuous load on one server for restart and reload tests:
 * every request is counted, and any failure (including connection errors) is
 * a failure. `stop()` ends the loops and resolves with the counts. Only ever
 * point it at 127.0.0.1.
 */
export function startSteadyLoad(options: SteadyLoadOptions): {
  stop(): Promise<SteadyLoadResult>;
  /** Resolves once every loop has had at least one answer. */
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
  const maxRequests = options.maxRequestsPerClient ?? 5_000;
  const pauseMs = options.pauseMs ?? 5;
  let running = true;
  const record = (protocol: "http1" | "http2", pid: number | undefined, error?: unknown) => {
    if (error === undefined && pid !== undefined) {
      result.ok++;
      result.byWorker.set(pid, (result.byWorker.get(pid) ?? 0) + 1);
      return;
    }
    result.failed++;
    result[protocol === "http1" ? "failedHttp1" : "failedHttp2"]++;
    const cause = (error as { cause?: unknown } | undefined)?.cause;
    const message = `${protocol}: ${String(error)}${cause ? ` (cause: ${String(cause)})` : ""}`;
    if (message.includes("REFUSED_STREAM")) {
      result.refusedStreams++;
    }
    if (result.errors.length < 20) {
      result.errors.push(message);
    }
  };
  const loop = async (
    protocol: "http1" | "http2",
    call: () => Promise<number>,
    warmed: () => void,
  ) => {
    for (let i = 0; running && i < maxRequests; i++) {
      try {
        record(protocol, await call());
        warmed();
      } catch (error) {
        record(protocol, undefined, error);
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };

  const warmups: Promise<void>[] = [];
  const loops: Promise<void>[] = [];
  const sessions: Http2SessionManager[] = [];
  const add = (protocol: "http1" | "http2", call: () => Promise<number>) => {
    let warmed = () => {};
    warmups.push(new Promise<void>((resolve) => (warmed = resolve)));
    loops.push(loop(protocol, call, () => warmed()));
  };
  for (let i = 0; i < (options.http1Clients ?? 2); i++) {
    add("http1", async () => {
      const response = await fetch(`${options.baseUrl}/.well-known/live`);
      await response.arrayBuffer();
      if (response.status !== 200) {
        throw new Error(`HTTP ${response.status}`);
      }
      return Number(response.headers.get("x-worker"));
    });
  }
  for (let i = 0; i < (options.http2Clients ?? 2); i++) {
    const sessionManager = new Http2SessionManager(options.baseUrl);
    sessions.push(sessionManager);
    const client = createClient(
      BankService,
      createConnectTransport({ baseUrl: options.baseUrl, httpVersion: "2", sessionManager }),
    );
    add("http2", async () => (await client.live({})).pid);
  }
  return {
    warm: Promise.all(warmups).then(() => {}),
    async stop() {
      running = false;
      await Promise.all(loops);
      for (const session of sessions) {
        session.abort();
      }
      return result;
    },
  };
}
