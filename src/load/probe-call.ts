import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { codeFromHttpStatus } from "@connectrpc/connect/protocol-connect";
import { goCodeName } from "../contract/go-codes.js";
import { workerHeader } from "../contract/wire.js";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { openRawConnection, type RawConnection } from "./raw-client.js";
import { captureWorker, createTransports } from "./transports.js";
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
}

/** Light liveness calls, one connection per `conn`. */
export interface ProbeCaller {
  call(conn: number, signal: AbortSignal): Promise<CallOutcome>;
  close(): void;
}

/** Builds the probe's light call. */
export function createProbeCaller(options: ProbeCallOptions): ProbeCaller {
  return options.target === "connect" ? connectProbe(options) : restProbe(options);
}

function connectProbe(options: ProbeCallOptions): ProbeCaller {
  const set = createTransports("connect-proto", options.baseUrl, options.connections, "2");
  const clients = set.transports.map((t) => createClient(BankService, t));
  return {
    async call(conn, signal) {
      const client = clients[conn % clients.length] as (typeof clients)[number];
      const capture = captureWorker(signal);
      try {
        await client.live({}, capture.options);
        return withWorker({ status: "OK" }, capture.worker());
      } catch (error) {
        const e = ConnectError.from(error);
        const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === "TimeoutError";
        const code = timedOut && e.code === Code.Canceled ? Code.DeadlineExceeded : e.code;
        return withWorker({ status: goCodeName(code), error: e.rawMessage }, capture.worker());
      }
    },
    close: () => set.close(),
  };
}

function restProbe(options: ProbeCallOptions): ProbeCaller {
  const conns: RawConnection[] = Array.from({ length: options.connections }, () =>
    openRawConnection(options.baseUrl, "1.1"),
  );
  const request = { method: "GET", path: "/.well-known/live", headers: {} } as const;
  return {
    async call(conn, signal) {
      const connection = conns[conn % conns.length] as RawConnection;
      const res = await connection.request(request, signal, () => {});
      const status = res.status === 200 ? "OK" : goCodeName(codeFromHttpStatus(res.status));
      return withWorker({ status, bytes: res.bytes }, res.headers.get(workerHeader) ?? undefined);
    },
    close() {
      for (const c of conns) {
        c.close();
      }
    },
  };
}

function withWorker(outcome: CallOutcome, worker: string | undefined): CallOutcome {
  return worker === undefined ? outcome : { ...outcome, worker };
}
