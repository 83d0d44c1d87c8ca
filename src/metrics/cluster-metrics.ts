import type { Worker } from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

/** Set by the launcher in each worker's environment: `/metrics` asks the primary. */
export const clusterMetricsEnv = "LOOPSTALL_CLUSTER_METRICS";

/** How long a worker waits for the primary's aggregated answer. */
const primaryTimeoutMs = 6_000;

type ClusterMessage =
  | { type: "loopstall:cluster-metrics-req"; id: number }
  | { type: "loopstall:cluster-metrics-res"; id: number; text?: string; error?: string }
  | { type: "loopstall:local-metrics-req"; id: number }
  | { type: "loopstall:local-metrics-res"; id: number; metrics?: unknown[]; error?: string };

function isClusterMessage(message: unknown): message is ClusterMessage {
  return (
    typeof message === "object" &&
    message !== null &&
    typeof (message as { type?: unknown }).type === "string" &&
    (message as { type: string }).type.startsWith("loopstall:") &&
    typeof (message as { id?: unknown }).id === "number"
  );
}

/**
 * Primary side: answers a worker's request for the cluster's metrics by asking
 * every connected worker for its registry as JSON, merging them with
 * prom-client's `AggregatorRegistry.aggregate`, and sending back the text.
 * Each worker labels its own series with `worker="<pid>"`, so merging keeps
 * one series per worker instead of summing them. A worker that doesn't answer
 * within `workerTimeoutMs` (default 4 s) is left out; `loopstall_metrics_workers_reporting` says how many
 * answered. Returns the message listener to attach with `cluster.on("message")`.
 */
export function createClusterMetricsPrimary(
  workers: () => Worker[],
  workerTimeoutMs = 4_000,
): (worker: Worker, message: unknown) => void {
  let nextId = 0;
  const pending = new Map<number, (metrics: unknown[] | undefined) => void>();

  async function collect(): Promise<string> {
    const answers = await Promise.all(
      workers()
        .filter((worker) => worker.isConnected())
        .map(
          (worker) =>
            new Promise<unknown[] | undefined>((resolve) => {
              const id = nextId++;
              const timer = setTimeout(() => finish(undefined), workerTimeoutMs);
              const finish = (metrics: unknown[] | undefined) => {
                clearTimeout(timer);
                pending.delete(id);
                resolve(metrics);
              };
              pending.set(id, finish);
              worker.send({ type: "loopstall:local-metrics-req", id } satisfies ClusterMessage);
            }),
        ),
    );
    const reported = answers.filter((a): a is unknown[] => Array.isArray(a));
    // biome-ignore lint/suspicious/noExplicitAny: prom-client types the JSON loosely.
    const merged = AggregatorRegistry.aggregate(reported as any);
    return `${await merged.metrics()}${workersReportingText(reported.length)}`;
  }

  return (worker, message) => {
    if (!isClusterMessage(message)) {
      return;
    }
    if (message.type === "loopstall:local-metrics-res") {
      pending.get(message.id)?.(message.metrics);
    } else if (message.type === "loopstall:cluster-metrics-req") {
      collect().then(
        (text) => send(worker, { type: "loopstall:cluster-metrics-res", id: message.id, text }),
        (error: unknown) =>
          send(worker, {
            type: "loopstall:cluster-metrics-res",
            id: message.id,
            error: String(error),
          }),
      );
    }
  };
}

function send(worker: Worker, message: ClusterMessage): void {
  if (worker.isConnected()) {
    worker.send(message);
  }
}

/** The gauge appended to every aggregated scrape. */
export function workersReportingText(count: number): string {
  return [
    "# HELP loopstall_metrics_workers_reporting Workers whose metrics this scrape includes.",
    "# TYPE loopstall_metrics_workers_reporting gauge",
    `loopstall_metrics_workers_reporting ${count}`,
    "",
  ].join("\n");
}

/**
 * Worker side: answers the primary's requests for this worker's registry and
 * returns a function that asks the primary for the whole cluster's metrics.
 * Only meaningful in a worker forked by the loopstall launcher.
 */
export function createClusterMetricsWorker(registry: Registry): {
  clusterMetrics(): Promise<string>;
  stop(): void;
} {
  let nextId = 0;
  const pending = new Map<number, (result: { text?: string; error?: string }) => void>();
  const onMessage = (message: unknown) => {
    if (!isClusterMessage(message)) {
      return;
    }
    if (message.type === "loopstall:local-metrics-req") {
      registry.getMetricsAsJSON().then(
        (metrics) =>
          replyToPrimary({
            type: "loopstall:local-metrics-res",
            id: message.id,
            metrics,
          } satisfies ClusterMessage),
        (error: unknown) =>
          replyToPrimary({
            type: "loopstall:local-metrics-res",
            id: message.id,
            error: String(error),
          } satisfies ClusterMessage),
      );
    } else if (message.type === "loopstall:cluster-metrics-res") {
      pending.get(message.id)?.(message);
    }
  };
  process.on("message", onMessage);
  return {
    clusterMetrics() {
      return new Promise<string>((resolve, reject) => {
        if (!process.send || !process.connected) {
          reject(new Error("no IPC channel to the primary"));
          return;
        }
        const id = nextId++;
        const timer = setTimeout(
          () => finish({ error: "the primary did not answer in time" }),
          primaryTimeoutMs,
        );
        const finish = (result: { text?: string; error?: string }) => {
          clearTimeout(timer);
          pending.delete(id);
          if (result.text !== undefined) {
            resolve(result.text);
          } else {
            reject(new Error(result.error ?? "no metrics"));
          }
        };
        pending.set(id, finish);
        process.send({ type: "loopstall:cluster-metrics-req", id } satisfies ClusterMessage);
      });
    },
    stop() {
      process.off("message", onMessage);
    },
  };
}

/**
 * Sends to the primary unless the IPC channel has closed meanwhile (as it
 * does during shutdown), where `process.send` would emit an unhandled error.
 */
function replyToPrimary(message: ClusterMessage): void {
  if (process.connected) {
    process.send?.(message);
  }
}
