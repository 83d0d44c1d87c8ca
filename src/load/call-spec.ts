/**
 * A call the engine repeats, as bytes: the request (or requests, sent round
 * robin), the protocol's framing and the HTTP version. The probe, the heavy
 * calls and calls to a user's own service (`--heavy-call`, `--probe-call`,
 * `--probe-path`) are all one of these, so one caller serves them all.
 * Plain data, so it crosses into a load thread as `workerData`.
 */
import { grpcMethods, restPaths } from "../contract/wire.js";
import { type PlacementPlan, spreadConnections } from "./connection-placement.js";
import { type RawCallResult, type RawCallShape, rawCall } from "./raw-call.js";
import { openRawConnection, type RawConnection, type RawRequest } from "./raw-client.js";
import type { CallOutcome } from "./workload.js";

export interface CallSpec {
  /** Sent round robin, one per call. At least one. */
  requests: RawRequest[];
  shape: RawCallShape;
  /** gRPC needs "2". */
  httpVersion: "1.1" | "2";
  /** What the call is, for output: e.g. `grpc pkg.Service/Method`. */
  label: string;
}

/** A check of each successful response's body; a problem fails the call as DataLoss. */
export interface ResponseCheck {
  /** Body bytes to keep for the check. */
  keepBytes: number;
  /** What is wrong with the response, or undefined when it is right. */
  problem(result: RawCallResult): string | undefined;
}

/** Calls over raw connections, one connection per `conn`. */
export interface SpecCaller {
  call(conn: number, signal: AbortSignal): Promise<CallOutcome>;
  /** Places the connections on the server's workers, if a plan was given; says what happened. */
  prepare(): Promise<string | undefined>;
  close(): void;
}

/** Opens `connections` raw connections for `spec` and returns its caller. */
export function createSpecCaller(
  spec: CallSpec,
  baseUrl: string,
  connections: number,
  windowBytes?: number,
  placement?: PlacementPlan,
  check?: ResponseCheck,
): SpecCaller {
  if (spec.requests.length === 0) {
    throw new Error(`${spec.label}: no request to send`);
  }
  if (spec.shape.format === "grpc" && spec.httpVersion !== "2") {
    throw new Error("gRPC needs HTTP/2");
  }
  const open = () => openRawConnection(baseUrl, spec.httpVersion, windowBytes);
  const conns: RawConnection[] = Array.from({ length: connections }, open);
  const requests = spec.requests;
  let next = 0;
  return {
    prepare: async () =>
      placement === undefined || placement.workers < 2
        ? undefined
        : spreadConnections(conns, open, placement),
    async call(conn, signal) {
      const connection = conns[conn % conns.length] as RawConnection;
      const request = requests[next++ % requests.length] as RawRequest;
      if (check === undefined) {
        return (await rawCall(connection, request, spec.shape, signal)).outcome;
      }
      const result = await rawCall(connection, request, spec.shape, signal, check.keepBytes);
      const problem = result.failure === undefined ? check.problem(result) : undefined;
      return problem === undefined
        ? result.outcome
        : { ...result.outcome, status: "DataLoss", error: problem };
    },
    close() {
      for (const c of conns) {
        c.close();
      }
    },
  };
}

/** loopstall's own probe: `BankService/Live` in Connect binary over h2c (an empty message). */
export const liveConnectSpec: CallSpec = {
  requests: [
    {
      method: "POST",
      path: `/${grpcMethods.probe}`,
      headers: { "connect-protocol-version": "1", "content-type": "application/proto" },
      body: new Uint8Array(0),
    },
  ],
  shape: { format: "connect-proto", enveloped: false },
  httpVersion: "2",
  label: `connect-proto ${grpcMethods.probe}`,
};

/** An HTTP/1.1 GET of `path` (loopstall's `/.well-known/live`, or a user's `/healthz`). */
export function httpGetSpec(path: string = restPaths.probe): CallSpec {
  return {
    requests: [{ method: "GET", path, headers: {} }],
    shape: { format: "rest-json", enveloped: false },
    httpVersion: "1.1",
    label: `GET ${path}`,
  };
}
