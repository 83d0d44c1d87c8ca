import cluster from "node:cluster";
import { Code, ConnectError } from "@connectrpc/connect";
import { Registry } from "prom-client";
import { writeJsonError, writeMethodNotAllowed } from "../http/json-error.js";
import type { AnyRequest, AnyResponse } from "../http/node-types.js";
import { clusterMetricsEnv, createClusterMetricsWorker } from "./cluster-metrics.js";
import { type EventLoopMetricsOptions, registerEventLoopMetrics } from "./event-loop-metrics.js";
import { registerLoopCostMetrics } from "./loop-cost-metrics.js";
import { registerRequestMetrics } from "./request-metrics.js";

/** One process's metrics and its `GET /metrics` endpoint. */
export interface ServerMetrics {
  /** The process's registry; every series carries `worker="<pid>"`. */
  registry: Registry;
  /** Counts a request once its response is done. */
  countRequest(req: AnyRequest, res: AnyResponse): void;
  /** Answers `/metrics` and returns true; returns false for any other path. */
  handleMetrics(req: AnyRequest, res: AnyResponse): boolean;
  /** Stops the event-loop sampling. */
  close(): void;
}

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions extends EventLoopMetricsOptions {
  /**
   * Whether `/metrics` asks the loopstall cluster primary for every worker's
   * metrics. Default: true in a node:cluster worker whose environment has
   * `LOOPSTALL_CLUSTER_METRICS=1` (set by the launcher), false otherwise
   * (single process, or a PM2 cluster worker, which answers for itself).
   */
  aggregateCluster?: boolean;
}

/**
 * Creates this process's metrics. Each process labels its own series with
 * `worker="<pid>"` (a registry default label). Under the loopstall launcher the
 * primary merges the workers' registries, so one scrape of `/metrics` on any
 * worker returns every worker's series, each still labelled with its pid.
 */
export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ worker: String(process.pid) });
  const stopEventLoop = registerEventLoopMetrics(registry, options);
  const countEach = registerRequestMetrics(registry);
  const loopCost = registerLoopCostMetrics(registry);
  const countRequest = (req: AnyRequest, res: AnyResponse): void => {
    countEach(req, res);
    if (isHeavyPath(req.url)) {
      res.once("close", () => {
        if (res.writableFinished && res.statusCode < 400) {
          loopCost.noteHeavyResponse();
        }
      });
    }
  };
  const aggregate =
    options.aggregateCluster ?? (cluster.isWorker && process.env[clusterMetricsEnv] === "1");
  const clusterWorker = aggregate ? createClusterMetricsWorker(registry) : undefined;

  async function render(): Promise<string> {
    if (clusterWorker) {
      return clusterWorker.clusterMetrics();
    }
    return registry.metrics();
  }

  return {
    registry,
    countRequest,
    handleMetrics(req, res) {
      const url = req.url ?? "/";
      if (url !== "/metrics" && !url.startsWith("/metrics?")) {
        return false;
      }
      if (req.method !== "GET" && req.method !== "HEAD") {
        writeMethodNotAllowed(res, "/metrics");
        return true;
      }
      render().then(
        (text) => {
          const body = Buffer.from(text, "utf8");
          res.writeHead(200, {
            "content-type": registry.contentType,
            "content-length": body.byteLength,
          });
          if (req.method === "HEAD") {
            res.end();
          } else {
            res.end(body);
          }
        },
        (error: unknown) => {
          writeJsonError(
            res,
            new ConnectError(`metrics unavailable: ${String(error)}`, Code.Unavailable),
          );
        },
      );
      return true;
    },
    close() {
      stopEventLoop();
      loopCost.stop();
      clusterWorker?.stop();
    },
  };
}

/** The heavy responses: `ListClients`, `StreamClients` and `GET /v1/clients`. */
function isHeavyPath(url: string | undefined): boolean {
  return (
    url !== undefined &&
    (url.startsWith("/bank.v1.BankService/ListClients") ||
      url.startsWith("/bank.v1.BankService/StreamClients") ||
      url === "/v1/clients" ||
      url.startsWith("/v1/clients?"))
  );
}
