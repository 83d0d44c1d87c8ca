import { fromBinary, fromJsonString } from "@bufbuild/protobuf";
import { encodeHeavyRequest, envelope, heavyHttpCall, utf8 } from "../contract/scenario.js";
import type { ResolvedShape } from "../contract/shape.js";
import type { Format, Strategy } from "../contract/wire.js";
import { grpcMethods, strategyHeader } from "../contract/wire.js";
import { ListClientsResponseSchema, StreamClientsResponseSchema } from "../gen/bank/v1/bank_pb.js";
import {
  type CallSpec,
  createSpecCaller,
  type ResponseCheck,
  type SpecCaller,
} from "./call-spec.js";
import type { PlacementPlan } from "./connection-placement.js";
import {
  connectEndStreamFlag,
  type EnvelopeScanner,
  grpcWebTrailerFlag,
} from "./envelope-scanner.js";
import type { RawRequest } from "./raw-client.js";

export interface HeavyCallOptions {
  /** Wire format of the heavy request. */
  format: Format;
  /** Server strategy; `stream` calls `StreamClients` (REST: `?strategy=stream`). */
  strategy: Strategy;
  /** The tree the server builds. */
  shape: ResolvedShape;
  /** Loopback base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Connections to open; `call(conn)` uses connection `conn`. */
  connections: number;
  /**
   * Decode every response with protobuf-es and check it holds `shape.count`
   * clients. Default false: responses are drained and status-checked only.
   */
  verify?: boolean;
  /**
   * HTTP/2 receive window (per stream and per connection), bytes. Default
   * 16 MiB, as gRPC clients widen theirs; 65,535 is HTTP/2's default, whose
   * flow-control round trips give the server's event loop pauses.
   */
  windowBytes?: number;
  /** HTTP version. Default "2" (h2c), except "1.1" for rest-json. gRPC needs "2". */
  httpVersion?: "1.1" | "2";
  /**
   * A call of the user's own service (`--heavy-call`) instead of
   * BankService's; `format`, `strategy`, `shape` and `verify` are then unused.
   */
  spec?: CallSpec;
  /** Spread the connections evenly over the server's workers before the run. Default: as they land. */
  placement?: PlacementPlan;
}

/** The largest response kept in memory for `verify`. */
export const maxVerifyBytes = 512 * 1024 * 1024;

/** Heavy calls over raw connections, one per `conn`. */
export type HeavyCaller = SpecCaller;

/**
 * Builds the heavy `ListClients`/`StreamClients` call of one format and
 * strategy as raw HTTP: the bytes each protocol puts on the wire, so the
 * response can be drained, counted and status-checked without the cost of
 * decoding it (unless `verify`).
 */
export function createHeavyCaller(options: HeavyCallOptions): HeavyCaller {
  if (options.spec !== undefined) {
    return createSpecCaller(
      options.spec,
      options.baseUrl,
      options.connections,
      options.windowBytes,
      options.placement,
    );
  }
  const httpVersion = options.httpVersion ?? (options.format === "rest-json" ? "1.1" : "2");
  const spec: CallSpec = {
    requests: [buildHeavyRequest(options.format, options.strategy, options.shape)],
    shape: { format: options.format, enveloped: isEnveloped(options.format, options.strategy) },
    httpVersion,
    label: `${options.format} ${options.strategy} heavy call`,
  };
  const check: ResponseCheck | undefined = options.verify
    ? {
        keepBytes: maxVerifyBytes,
        problem: (result) => verifyBody(options, result.scanner, result.chunks),
      }
    : undefined;
  return createSpecCaller(
    spec,
    options.baseUrl,
    options.connections,
    options.windowBytes,
    options.placement,
    check,
  );
}

/** Whether the response body is a sequence of enveloped frames. */
function isEnveloped(format: Format, strategy: Strategy): boolean {
  if (format === "rest-json") {
    return false;
  }
  return format === "grpc" || format === "grpc-web" || strategy === "stream";
}

/**
 * The raw request for a format and strategy. Every format but gRPC is the
 * one `src/contract/scenario.ts` defines for the k6 scripts too, so both
 * engines send the same bytes; gRPC (which k6 sends with k6/net/grpc) is the
 * same enveloped message with gRPC's headers.
 */
export function buildHeavyRequest(
  format: Format,
  strategy: Strategy,
  shape: ResolvedShape,
): RawRequest {
  if (format !== "grpc") {
    const call = heavyHttpCall(format, strategy, shape);
    const body = typeof call.body === "string" ? utf8(call.body) : call.body;
    return { method: call.method, path: call.path, headers: call.headers, ...(body && { body }) };
  }
  const method = strategy === "stream" ? grpcMethods.heavyStream : grpcMethods.heavy;
  return {
    method: "POST",
    path: `/${method}`,
    headers: {
      [strategyHeader]: strategy,
      "content-type": "application/grpc+proto",
      te: "trailers",
    },
    body: envelope(encodeHeavyRequest(shape)),
  };
}

/** Decodes the kept body and checks it holds `shape.count` clients. */
function verifyBody(
  options: HeavyCallOptions,
  scanner: EnvelopeScanner | undefined,
  chunks: Uint8Array[],
): string | undefined {
  const json = options.format === "connect-json" || options.format === "rest-json";
  let clients = 0;
  try {
    if (scanner === undefined) {
      const body = Buffer.concat(chunks);
      clients = json
        ? fromJsonString(ListClientsResponseSchema, body.toString("utf8")).clients.length
        : fromBinary(ListClientsResponseSchema, body).clients.length;
    } else {
      const schema =
        options.strategy === "stream" ? StreamClientsResponseSchema : ListClientsResponseSchema;
      for (const frame of scanner.frames) {
        if ((frame.flags & (connectEndStreamFlag | grpcWebTrailerFlag)) !== 0) {
          continue;
        }
        clients += json
          ? fromJsonString(schema, new TextDecoder().decode(frame.payload)).clients.length
          : fromBinary(schema, frame.payload).clients.length;
      }
    }
  } catch (error) {
    return `verify: cannot decode the response: ${error instanceof Error ? error.message : error}`;
  }
  if (clients !== options.shape.count) {
    return `verify: expected ${options.shape.count} clients, got ${clients}`;
  }
  return undefined;
}
