import type { DescMethodStreaming, DescMethodUnary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { createAsyncIterable } from "@connectrpc/connect/protocol";
import { createTransports } from "../load/transports.js";
import { type CallOutcome, runWorkload } from "../load/workload.js";
import { type GhzSettings, ghzLimits, ghzReportOptions } from "./ghz-settings.js";
import { findMethod, parseRequests } from "./method-lookup.js";
import { GhzCollector } from "./report-builder.js";
import type { GhzReport } from "./report-types.js";
import { goErrorString, outcomeFromError } from "./status-names.js";

export interface RunGhzOptions {
  /** Cancels the run; the report is still built (end reason "cancel"). */
  signal?: AbortSignal;
}

/**
 * Runs a ghz-style load test with loopstall's engine over gRPC (h2c), one
 * HTTP/2 session per `--connections`, and returns ghz's report. Throws a
 * clear error for an unknown method, data that does not fit the method's
 * input type, or a target that is not on this machine.
 */
export async function runGhz(
  settings: GhzSettings,
  options: RunGhzOptions = {},
): Promise<GhzReport> {
  const method = findMethod(settings.call);
  const requests = parseRequests(method, settings.data);
  const transports = createTransports("grpc", `http://${settings.host}`, settings.connections, "2");
  const maxTimeoutMs = ghzLimits.timeoutNs / 1e6;
  // `-t 0` means no deadline in ghz; the engine still needs an upper bound.
  const deadlineMs = settings.timeoutNs > 0 ? Math.ceil(settings.timeoutNs / 1e6) : undefined;
  const collector = new GhzCollector(settings.countErrors);
  let skipped = 0;
  let next = 0;

  const callOnce = async (conn: number, signal: AbortSignal): Promise<CallOutcome> => {
    const transport = transports.transports[conn];
    if (!transport) {
      throw new Error(`no transport for connection ${conn}`);
    }
    const input = requests[next++ % requests.length];
    try {
      if (method.methodKind === "unary") {
        await transport.unary(
          method as DescMethodUnary,
          signal,
          deadlineMs,
          undefined,
          input as never,
        );
      } else {
        const response = await transport.stream(
          method as DescMethodStreaming,
          signal,
          deadlineMs,
          undefined,
          createAsyncIterable([input as never]),
        );
        for await (const _ of response.message) {
          // Drain the stream: the call ends with its last message.
        }
      }
      return { status: "OK" };
    } catch (error) {
      if (signal.aborted && signal.reason instanceof DOMException) {
        if (signal.reason.name === "TimeoutError") {
          // The engine's backstop timer fired before Connect's own deadline.
          return {
            status: "DeadlineExceeded",
            error: goErrorString(Code.DeadlineExceeded, "context deadline exceeded"),
          };
        }
      }
      if (options.signal?.aborted && ConnectError.from(error).code === Code.Canceled) {
        // Go's client reports calls cut off by a cancelled run this way.
        return outcomeFromError(new ConnectError("context canceled", Code.Canceled));
      }
      if (error instanceof ConnectError && error.code === Code.DeadlineExceeded) {
        // Go's client reports its own expired deadline with this text.
        return outcomeFromError(
          new ConnectError("context deadline exceeded", Code.DeadlineExceeded),
        );
      }
      return outcomeFromError(error);
    }
  };

  try {
    const result = await runWorkload({
      call: callOnce,
      concurrency: settings.concurrency,
      connections: settings.connections,
      total: settings.total,
      ...(settings.durationNs > 0 && { durationMs: settings.durationNs / 1e6 }),
      ...(settings.rps > 0 && { rps: settings.rps }),
      // A second of grace so Connect's deadline (which sends grpc-timeout
      // like ghz does) fires before the engine's backstop.
      timeoutMs: Math.min(maxTimeoutMs, (deadlineMs ?? maxTimeoutMs) + 1000),
      ...(options.signal && { signal: options.signal }),
      onRecord(record) {
        if (skipped < settings.skipFirst) {
          skipped++;
          return;
        }
        collector.add({
          endMs: record.start + record.latencyMs,
          latencyNs: Math.round(record.latencyMs * 1e6),
          status: record.status,
          error: record.error ?? "",
        });
      },
    });
    return collector.build({
      ...(settings.name && { name: settings.name }),
      endReason: result.endReason,
      dateMs: Date.now(),
      totalNs: Math.round((result.endedAt - result.startedAt) * 1e6),
      options: ghzReportOptions(settings),
      ...(settings.tags && { tags: settings.tags }),
    });
  } finally {
    transports.close();
  }
}
