import { createServer as createHttp1Server } from "node:http";
import { createServer as createHttp2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import { workerHeader } from "../contract/wire.js";
import { BankService } from "../gen/bank/v1/bank_pb.js";
import { Admission } from "../http/admission.js";
import type { AnyRequest, AnyResponse } from "../http/node-types.js";
import { withRequestScope } from "../http/request-scope.js";
import { registerAdmissionMetrics } from "../metrics/admission-metrics.js";
import { createServerMetrics, type ServerMetrics } from "../metrics/server-metrics.js";
import { registerSourceMetrics } from "../metrics/source-metrics.js";
import { TreeCache } from "../model/tree-cache.js";
import type { HealthState } from "../service/health-service.js";
import { createRoutes } from "../service/routes.js";
import { EncodePool } from "../strategy/encode-pool.js";
import { checkJsonPassthrough } from "../strategy/json-passthrough-check.js";
import { withRequestJsonSlots } from "../strategy/pre-encoded-json.js";
import { ReplicaCaches } from "../strategy/replica-channel.js";
import { createConnectAdapter } from "./connect-adapter.js";
import { trackHttp1Connections } from "./http1-drain.js";
import { trackHttp2Sessions } from "./http2-drain.js";
import { createOnePortListener } from "./one-port-listener.js";
import { createRestRoutes } from "./rest-routes.js";
import type { ServerConfig } from "./server-config.js";
import { writeUnknownRoute } from "./unknown-route.js";

/** A listening server. */
export interface RunningServer {
  /** The bound port (useful with port 0). */
  port: number;
  host: string;
  /** `http://host:port`. */
  url: string;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests
   * finish within `shutdownTimeoutMs`, closes idle HTTP/1.1 connections and
   * HTTP/2 sessions (with GOAWAY), then closes whatever is left.
   */
  close(): Promise<void>;
}

/** The only RPC that hands pre-encoded JSON to the router. */
const listClientsPath = `/${BankService.typeName}/${BankService.method.listClients.name}`;
const streamClientsPath = `/${BankService.typeName}/${BankService.method.streamClients.name}`;

/** Builds the request handler shared by the HTTP/1.1 and HTTP/2 servers. */
export function createRequestHandler(
  config: ServerConfig,
  health: HealthState,
  metrics: ServerMetrics,
  pool: EncodePool,
  admission: Admission = new Admission(config),
  cache: TreeCache = new TreeCache(config.sourceCacheBytes),
) {
  const { strategy, source, sliceMs } = config;
  const heavy = { strategy, source, pool, cache, sliceMs, admission };
  const handleRest = createRestRoutes({ limits: config.limits, ...heavy });
  const connectAdapter = createConnectAdapter({
    routes: createRoutes({ limits: config.limits, health, ...heavy }),
    readMaxBytes: config.readMaxBytes,
    writeMaxBytes: config.writeMaxBytes,
    maxTimeoutMs: config.maxTimeoutMs,
    fallback: writeUnknownRoute,
  });
  // A ListClients request gets a slot through which an offloaded call hands
  // pre-encoded JSON to Connect's serializer (see strategy/pre-encoded-json.ts).
  // Only those: the slot is an AsyncLocalStorage, whose promise hooks make
  // every promise in the process dearer while any request holds a slot.
  // The heavy methods also run in a request scope (another AsyncLocalStorage,
  // so again only those), through which admission and departure checks reach
  // the request's sockets (see http/request-scope.ts).
  const listClients = withRequestScope(withRequestJsonSlots(connectAdapter));
  const streamClients = withRequestScope(connectAdapter);
  const handleConnect = (req: AnyRequest, res: AnyResponse): void => {
    if (req.url?.startsWith(listClientsPath)) {
      listClients(req, res);
    } else if (req.url?.startsWith(streamClientsPath)) {
      streamClients(req, res);
    } else {
      connectAdapter(req, res);
    }
  };
  const worker = String(process.pid);
  return (req: AnyRequest, res: AnyResponse): void => {
    res.setHeader(workerHeader, worker);
    if (!health.serving && req.httpVersionMajor === 1) {
      // Draining: end each HTTP/1.1 keep-alive connection after its response.
      res.setHeader("connection", "close");
    }
    metrics.countRequest(req, res);
    if (metrics.handleMetrics(req, res)) {
      return;
    }
    if (!handleRest(req, res)) {
      handleConnect(req, res);
    }
  };
}

/** How long a draining server waits before closing connections that never sent a byte. */
const idleGraceMs = 1_000;

/**
 * How long an HTTP/1.1 connection must have been between responses before
 * a draining server ends it. Ending an idle keep-alive connection always
 * races a client that picks it for its next request just then, so the drain
 * prefers to let each connection carry one more request, answered with
 * `connection: close`; only connections quiet this long are ended.
 */
const quietMs = 5_000;

/** Starts a server that serves HTTP/1.1 and h2c on one port. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  await checkJsonPassthrough();
  const health: HealthState = { serving: true };
  const metrics = createServerMetrics();
  // Threads start with the first offloaded request, or now if offload is the default.
  const pool = new EncodePool({ size: config.poolSize, maxQueue: config.poolMaxQueue });
  if (config.strategy.startsWith("offload")) {
    pool.warm();
  }
  const admission = new Admission(config);
  registerAdmissionMetrics(metrics.registry, admission);
  const cache = new TreeCache(config.sourceCacheBytes);
  const replicas = new ReplicaCaches();
  registerSourceMetrics(metrics.registry, {
    main: () => cache.stats(),
    replicas: () => replicas.reports(),
  });
  const handler = createRequestHandler(config, health, metrics, pool, admission, cache);

  const http1 = createHttp1Server(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      // The timeouts are enforced on this check's ticks (default 30 s).
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, config.headersTimeoutMs / 4)),
    },
    handler,
  );
  http1.keepAliveTimeout = 30_000;
  // http.Server tracks its connections (for closeIdleConnections and the
  // request/headers timeouts) only from its "listening" event, and this one
  // never listens itself: the one-port listener hands it sockets.
  http1.emit("listening");
  // Node refuses new streams on a session whose outbound buffer exceeds
  // maxSessionMemory (default 10 MB), and a unary response is written in one
  // piece: let a session hold the largest response a request may ask for.
  const http2 = createHttp2Server(
    {
      maxSessionMemory: Math.ceil(config.limits.maxResponseBytes / 2 ** 20) + 16,
      // Bounds what one connection can make the server hold at once.
      settings: { maxConcurrentStreams: 32 },
    },
    handler,
  );
  const http2Sessions = trackHttp2Sessions(http2);
  const http1Connections = trackHttp1Connections(http1);
  // A broken client must not take the process down; the sessions clean up.
  http2.on("sessionError", () => {});
  http2.setTimeout(120_000);

  const { server, sockets, sniffing } = createOnePortListener({ http1, http2 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      health.serving = false;
      // Connections that queued in the kernel while the loop was blocked are
      // accepted in the next poll phase; closing the listener before then
      // would reset them. Two turns make sure one poll phase has run.
      await nextTurn();
      await nextTurn();
      const started = performance.now();
      const graceMs = Math.min(idleGraceMs, config.shutdownTimeoutMs);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      http2Sessions.close(graceMs);
      // Busy keep-alive clients get `connection: close` on their next
      // response. Idle ones are ended between responses once quiet, and a
      // connection that never sent a byte after the grace period; both
      // checks run after a poll phase (see http1-drain.ts).
      const drained = waitUntil(() => {
        http1Connections.closeIdle(Math.min(quietMs, config.shutdownTimeoutMs / 2));
        setImmediate(() => {
          if (performance.now() - started >= Math.max(graceMs, quietMs)) {
            for (const socket of sniffing) {
              if (socket.bytesRead === 0) socket.destroy();
            }
          }
        });
        return sockets.size === 0;
      }, config.shutdownTimeoutMs);
      if (!(await drained)) {
        for (const socket of sockets) {
          socket.destroy();
        }
      }
      await stopped;
      http1.close(); // Stops its connection checker.
      await pool.destroy();
      replicas.close();
      metrics.close();
    })();
    return closing;
  };

  const host = address.address.includes(":") ? `[${address.address}]` : address.address;
  return {
    port: address.port,
    host: address.address,
    url: `http://${host}:${address.port}`,
    close,
  };
}

/** Polls until `done()` holds or the timeout passes; true if it held. */
async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
