import { Agent } from "node:http";
import type { CallOptions, Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { workerHeader } from "../contract/wire.js";
import { checkLocalTarget } from "./local-target.js";

/** The RPC protocols a Connect transport can speak. */
export type TransportKind = "grpc" | "grpc-web" | "connect-proto" | "connect-json";

export const transportKinds: readonly TransportKind[] = [
  "grpc",
  "grpc-web",
  "connect-proto",
  "connect-json",
];

/** Transports with one connection each, and a way to close those connections. */
export interface TransportSet {
  /** `transports[i]` uses connection `i` only. */
  transports: Transport[];
  /** Closes every HTTP/2 session or HTTP/1.1 socket the set opened. */
  close(): void;
}

export interface CreateTransportsOptions {
  /** Largest response message the client accepts. Default 256 MiB. */
  readMaxBytes?: number;
}

/**
 * Builds `connections` transports of one kind for `baseUrl`, each with its
 * own HTTP/2 session (or, for HTTP/1.1, its own single-socket keep-alive
 * agent), so a load generator can open as many connections as the server
 * has workers. gRPC requires HTTP/2. Only loopback targets are accepted.
 */
export function createTransports(
  kind: TransportKind,
  baseUrl: string,
  connections: number,
  httpVersion: "1.1" | "2" = "2",
  options: CreateTransportsOptions = {},
): TransportSet {
  checkLocalTarget(baseUrl);
  if (!Number.isInteger(connections) || connections < 1 || connections > 10_000) {
    throw new RangeError(`connections must be an integer from 1 to 10,000, got ${connections}`);
  }
  if (kind === "grpc" && httpVersion !== "2") {
    throw new Error("gRPC needs HTTP/2; use httpVersion 2");
  }
  const readMaxBytes = options.readMaxBytes ?? 256 * 1024 * 1024;
  const managers: Http2SessionManager[] = [];
  const agents: Agent[] = [];
  const transports: Transport[] = [];
  for (let i = 0; i < connections; i++) {
    if (httpVersion === "2") {
      const sessionManager = new WideWindowSessionManager(
        baseUrl,
        {},
        {
          settings: { initialWindowSize: receiveWindowBytes },
        },
      );
      managers.push(sessionManager);
      transports.push(build(kind, { baseUrl, readMaxBytes, httpVersion: "2", sessionManager }));
    } else {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      transports.push(
        build(kind, { baseUrl, readMaxBytes, httpVersion: "1.1", nodeOptions: { agent } }),
      );
    }
  }
  return {
    transports,
    close() {
      for (const manager of managers) {
        manager.abort();
      }
      for (const agent of agents) {
        agent.destroy();
      }
    },
  };
}

/** Per-stream and per-connection HTTP/2 receive window, as gRPC clients use. */
export const receiveWindowBytes = 16 * 1024 * 1024;

/**
 * A session manager whose sessions get a 16 MiB connection-level receive
 * window. With HTTP/2's default 64 KiB, an 8 MB response needs ~120
 * WINDOW_UPDATE round trips, and their pauses hand the server's event loop
 * free time a real gRPC client (which widens its window) would not give it.
 */
class WideWindowSessionManager extends Http2SessionManager {
  private readonly widened = new WeakSet<object>();

  override async request(
    ...args: Parameters<Http2SessionManager["request"]>
  ): ReturnType<Http2SessionManager["request"]> {
    const stream = await super.request(...args);
    const session = stream.session;
    if (session && !this.widened.has(session)) {
      this.widened.add(session);
      session.setLocalWindowSize(receiveWindowBytes);
    }
    return stream;
  }
}

type NodeOptions = Parameters<typeof createGrpcWebTransport>[0];

function build(kind: TransportKind, options: NodeOptions): Transport {
  switch (kind) {
    case "grpc":
      // Narrowed above: gRPC only ever gets the HTTP/2 options.
      return createGrpcTransport(options as Parameters<typeof createGrpcTransport>[0]);
    case "grpc-web":
      return createGrpcWebTransport(options);
    case "connect-proto":
      return createConnectTransport({ ...options, useBinaryFormat: true });
    case "connect-json":
      return createConnectTransport({ ...options, useBinaryFormat: false });
  }
}

/**
 * Call options that capture the `x-worker` response header. Pass `options`
 * to a client call; `worker()` returns the header after the call's headers
 * arrived (or undefined).
 */
export function captureWorker(
  signal?: AbortSignal,
  timeoutMs?: number,
): {
  options: CallOptions;
  worker(): string | undefined;
} {
  let worker: string | undefined;
  const options: CallOptions = {
    onHeader(headers) {
      worker = headers.get(workerHeader) ?? undefined;
    },
  };
  if (signal) {
    options.signal = signal;
  }
  if (timeoutMs !== undefined) {
    options.timeoutMs = timeoutMs;
  }
  return { options, worker: () => worker };
}
