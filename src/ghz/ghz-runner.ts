import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { isConnectionError } from "../load/connection-error.js";
import { grpcCallSpec } from "../load/grpc-spec.js";
import { rawCall } from "../load/raw-call.js";
import { openRawConnection, type RawConnection, type RawRequest } from "../load/raw-client.js";
import { findServiceMethod, loadSchema } from "../load/schema-source.js";
import { type CallOutcome, runWorkload } from "../load/workload.js";
import { type GhzSettings, ghzLimits, ghzReportOptions } from "./ghz-settings.js";
import { findMethod, parseRequests } from "./method-lookup.js";
import { GhzCollector } from "./report-builder.js";
import type { GhzReport } from "./report-types.js";
import { goErrorString, outcomeFromError } from "./status-names.js";

export interface RunGhzOptions {
  /** `-i`: import paths of a `--proto` that is not compiled in. Default: the proto's directory. */
  importPaths?: string[];
  /** Cancels the run; the report is still built (end reason "cancel"). */
  signal?: AbortSignal;
}

/**
 * Runs a ghz-style load test with loopstall's engine over gRPC (h2c), one
 * HTTP/2 session per `--connections`, and returns ghz's report. Each call
 * sends the pre-encoded request on a raw HTTP/2 stream and reads only the
 * status, as ghz's Go client costs little per call; through a Connect
 * client the engine spent about four times ghz's CPU per call. Throws a
 * clear error for an unknown method, data that does not fit the method's
 * input type, or a target that is not on this machine.
 */
export async function runGhz(
  settings: GhzSettings,
  options: RunGhzOptions = {},
): Promise<GhzReport> {
  const method = await resolveMethod(settings, options.importPaths);
  const maxTimeoutMs = ghzLimits.timeoutNs / 1e6;
  // `-t 0` means no deadline in ghz; the engine still needs an upper bound.
  const deadlineMs = settings.timeoutNs > 0 ? Math.ceil(settings.timeoutNs / 1e6) : undefined;
  const spec = grpcCallSpec(method, parseRequests(method, settings.data), deadlineMs);
  const conns: RawConnection[] = Array.from({ length: settings.connections }, () =>
    openRawConnection(`http://${settings.host}`, "2"),
  );
  const collector = new GhzCollector(settings.countErrors);
  let skipped = 0;
  let next = 0;

  const callOnce = async (conn: number, signal: AbortSignal): Promise<CallOutcome> => {
    const connection = conns[conn];
    if (!connection) {
      throw new Error(`no connection ${conn}`);
    }
    const request = spec.requests[next++ % spec.requests.length] as RawRequest;
    try {
      const { outcome, failure } = await rawCall(connection, request, spec.shape, signal);
      if (failure === undefined) {
        return { status: "OK" };
      }
      if (failure.code === Code.DeadlineExceeded) {
        // Go's client reports an expired deadline with this text.
        return outcomeFromError(
          new ConnectError("context deadline exceeded", Code.DeadlineExceeded),
        );
      }
      return { status: outcome.status, error: goErrorString(failure.code, failure.message) };
    } catch (error) {
      if (signal.aborted && signal.reason instanceof DOMException) {
        if (signal.reason.name === "TimeoutError") {
          // The engine's backstop timer fired before the server's deadline.
          return {
            status: "DeadlineExceeded",
            error: goErrorString(Code.DeadlineExceeded, "context deadline exceeded"),
          };
        }
      }
      if (options.signal?.aborted) {
        // Go's client reports calls cut off by a cancelled run this way.
        return outcomeFromError(new ConnectError("context canceled", Code.Canceled));
      }
      if (isConnectionError(error)) {
        return {
          status: "Unavailable",
          error: goErrorString(Code.Unavailable, (error as Error).message),
        };
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
    for (const c of conns) {
      c.close();
    }
  }
}

/**
 * The compiled-in method `--call` names or, when it is not one of them and a
 * `--proto` is given, the method of that proto (compiled at run time, as
 * ghz does): loopstall ghz then loads any gRPC service.
 */
async function resolveMethod(
  settings: GhzSettings,
  importPaths: string[] | undefined,
): Promise<DescMethod> {
  try {
    return findMethod(settings.call);
  } catch (error) {
    if (settings.proto === undefined) {
      throw error;
    }
    const registry = await loadSchema({
      proto: settings.proto,
      ...(importPaths !== undefined && importPaths.length > 0 && { importPaths }),
    });
    const method = findServiceMethod(registry, settings.call);
    if (method.methodKind !== "unary" && method.methodKind !== "server_streaming") {
      throw new Error(
        `call "${settings.call}": only unary and server-streaming methods are supported`,
      );
    }
    return method;
  }
}
