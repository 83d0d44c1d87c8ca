import type { Worker } from "node:cluster";
import type { Registry } from "prom-client";

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
  const replies = createReplies<unknown[] | undefined>();

  async function collect(): Promise<string> {
    const answers = await Promise.all(
      workers()
        .filter((worker) => worker.isConnected())
        .map((worker) =>
          replies.request(
            (id) =>
              worker.send({ type: "loopstall:local-metrics-req", id } satisfies ClusterMessage),
            workerTimeoutMs,
            undefined,
          ),
        ),
    );
    const reported = answers.filter((a): a is unknown[] => Array.isArray(a));
    // Loaded on the first scrape: a primary that only forks starts without prom-client.
    const { AggregatorRegistry } = await import("prom-client");
    // biome-ignore lint/suspicious/noExplicitAny: prom-client types the JSON loosely.
    const merged = AggregatorRegistry.aggregate(reported as any);
    return `${await merged.metrics()}${workersReportingText(reported.length)}`;
  }

  return (worker, message) => {
    if (!isClusterMessage(message)) {
      return;
    }
    if (message.type === "loopstall:local-metrics-res") {
      replies.answer(message.id, message.metrics);
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
  const replies = createReplies<{ text?: string; error?: string }>();
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
      replies.answer(message.id, message);
    }
  };
  process.on("message", onMessage);
  return {
    async clusterMetrics() {
      if (!process.send || !process.connected) {
        throw new Error("no IPC channel to the primary");
      }
      const send = process.send.bind(process);
      const result = await replies.request(
        (id) => send({ type: "loopstall:cluster-metrics-req", id } satisfies ClusterMessage),
        primaryTimeoutMs,
        { error: "the primary did not answer in time" },
      );
      if (result.text === undefined) {
        throw new Error(result.error ?? "no metrics");
      }
      return result.text;
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

/**
 * Request/reply over IPC: each request gets an id, and resolves with the
 * answer carrying that id, or with `onTimeout` after `timeoutMs`.
 */
function createReplies<T>(): {
  request(send: (id: number) => void, timeoutMs: number, onTimeout: T): Promise<T>;
  answer(id: number, value: T): void;
} {
  let nextId = 0;
  const pending = new Map<number, (value: T) => void>();
  return {
    request(send, timeoutMs, onTimeout) {
      return new Promise<T>((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => finish(onTimeout), timeoutMs);
        const finish = (value: T) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(value);
        };
        pending.set(id, finish);
        send(id);
      });
    },
    answer(id, value) {
      pending.get(id)?.(value);
    },
  };
}
