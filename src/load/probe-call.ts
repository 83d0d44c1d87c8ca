import { type CallSpec, createSpecCaller, httpGetSpec, liveConnectSpec } from "./call-spec.js";
import type { CallOutcome } from "./workload.js";

/** How the probe checks liveness. */
export type ProbeTarget = "connect" | "rest";

export interface ProbeCallOptions {
  /** `connect`: `bank.v1.BankService/Live` in Connect binary over h2c; `rest`: `GET /.well-known/live` over HTTP/1.1. */
  target: ProbeTarget;
  /** Loopback base URL. */
  baseUrl: string;
  /** Connections to open; `call(conn)` uses connection `conn`. */
  connections: number;
  /** A call of the user's own service instead of `target` (`--probe-call`, `--probe-path`). */
  spec?: CallSpec;
}

/** Light liveness calls, one connection per `conn`. */
export interface ProbeCaller {
  call(conn: number, signal: AbortSignal): Promise<CallOutcome>;
  prepare(): Promise<string | undefined>;
  close(): void;
}

/**
 * Builds the probe's light call as raw bytes over raw connections, as the
 * heavy calls are: a Connect client per call cost several times the CPU of
 * the call itself, which capped the probe's rate below what ghz measured.
 */
export function createProbeCaller(options: ProbeCallOptions): ProbeCaller {
  const spec = options.spec ?? (options.target === "connect" ? liveConnectSpec : httpGetSpec());
  return createSpecCaller(spec, options.baseUrl, options.connections);
}
