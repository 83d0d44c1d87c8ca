/**
 * The probe and heavy calls, defined once: formats, paths, content types,
 * request bodies and the default tree shape. The k6 scripts in loadtest/,
 * ghz config generation and the embedded engine can all import this module,
 * so it is plain TypeScript that imports only the rest of src/contract, with
 * no Node or k6 APIs.
 *
 * The wire details match src/load/heavy-call.ts and the bank.v1 proto.
 */

import { defaultShape, type ResolvedShape } from "./shape.ts";
import {
  type Format,
  formats,
  grpcMethods,
  restPaths,
  type Strategy,
  strategies,
  strategyHeader,
} from "./wire.ts";

/** The knobs of the heavy response (bank.v1.TreeShape), all resolved. */
export type Shape = ResolvedShape;

/** An HTTP request, ready for k6/http or fetch. */
export interface HttpCall {
  method: "GET" | "POST";
  /** Path and query, to append to the base URL. */
  path: string;
  headers: Record<string, string>;
  /** Absent for GET. */
  body?: Uint8Array | string;
}

/** A gRPC call as `k6/net/grpc` takes it: method and a protojson message. */
export interface GrpcCall {
  method: string;
  message: Record<string, unknown>;
  metadata: Record<string, string>;
  /** True for the server-streaming `StreamClients`. */
  stream: boolean;
}

/**
 * The heavy request message as protojson (what k6/net/grpc and Connect JSON
 * take). `StreamClients` leaves `page_size` unset: the server's default.
 */
export function heavyMessage(shape: Shape): Record<string, unknown> {
  const message: Record<string, unknown> = {
    shape: {
      count: shape.count,
      accountsPerClient: shape.accountsPerClient,
      filledStrings: shape.filledStrings,
    },
  };
  return message;
}

/**
 * The heavy call as HTTP for every format but gRPC (which k6/http cannot
 * speak: it needs HTTP/2 trailers).
 */
export function heavyHttpCall(
  format: Exclude<Format, "grpc">,
  strategy: Strategy,
  shape: Shape,
): HttpCall {
  const headers: Record<string, string> = { [strategyHeader]: strategy };
  const stream = strategy === "stream";
  if (format === "rest-json") {
    let query =
      `count=${shape.count}&accounts_per_client=${shape.accountsPerClient}` +
      `&filled_strings=${shape.filledStrings}`;
    if (stream) {
      query += "&strategy=stream";
    }
    return { method: "GET", path: `${restPaths.heavy}?${query}`, headers };
  }
  const path = `/${stream ? grpcMethods.heavyStream : grpcMethods.heavy}`;
  const binary = encodeHeavyRequest(shape);
  if (format === "grpc-web") {
    headers["content-type"] = "application/grpc-web+proto";
    headers["x-grpc-web"] = "1";
    return { method: "POST", path, headers, body: envelope(binary) };
  }
  headers["connect-protocol-version"] = "1";
  if (format === "connect-json") {
    const json = JSON.stringify(heavyMessage(shape));
    headers["content-type"] = stream ? "application/connect+json" : "application/json";
    return { method: "POST", path, headers, body: stream ? envelope(utf8(json)) : json };
  }
  headers["content-type"] = stream ? "application/connect+proto" : "application/proto";
  return { method: "POST", path, headers, body: stream ? envelope(binary) : binary };
}

/** The heavy call for `k6/net/grpc`. */
export function heavyGrpcCall(strategy: Strategy, shape: Shape): GrpcCall {
  const stream = strategy === "stream";
  return {
    method: stream ? grpcMethods.heavyStream : grpcMethods.heavy,
    message: heavyMessage(shape),
    metadata: { [strategyHeader]: strategy },
    stream,
  };
}

/**
 * The probe over HTTP: `Live` in Connect (binary, empty message) for the
 * Connect and gRPC-Web formats, `GET /.well-known/live` for REST.
 */
export function probeHttpCall(format: Exclude<Format, "grpc">): HttpCall {
  if (format === "rest-json") {
    return { method: "GET", path: restPaths.probe, headers: {} };
  }
  return {
    method: "POST",
    path: `/${grpcMethods.probe}`,
    headers: { "connect-protocol-version": "1", "content-type": "application/proto" },
    body: new Uint8Array(0),
  };
}

/** The probe for `k6/net/grpc`. */
export const probeGrpcCall: GrpcCall = {
  method: grpcMethods.probe,
  message: {},
  metadata: {},
  stream: false,
};

/**
 * Protobuf binary of `ListClientsRequest{shape}` or, for `stream`,
 * `StreamClientsRequest{shape}` (the same bytes: both hold the shape in
 * field 1). Hand-encoded (three varints in a
 * nested message) so k6 needs no protobuf runtime; a Node test checks it
 * against protobuf-es.
 */
export function encodeHeavyRequest(shape: Shape): Uint8Array {
  const inner = [
    ...varintField(1, shape.count),
    ...varintField(2, shape.accountsPerClient),
    ...varintField(3, shape.filledStrings),
  ];
  return Uint8Array.from([...tag(1, 2), ...varint(inner.length), ...inner]);
}

/** Prefixes a message with the 5-byte gRPC/Connect envelope (flags, big-endian length). */
export function envelope(message: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(message.length + 5);
  const n = message.length;
  out[0] = flags;
  out[1] = (n >>> 24) & 0xff;
  out[2] = (n >>> 16) & 0xff;
  out[3] = (n >>> 8) & 0xff;
  out[4] = n & 0xff;
  out.set(message, 5);
  return out;
}

function varintField(field: number, value: number): number[] {
  return [...tag(field, 0), ...varint(value)];
}

function tag(field: number, wireType: number): number[] {
  return varint(field * 8 + wireType);
}

function varint(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`expected a uint32, got ${value}`);
  }
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** UTF-8 bytes of a string (k6 has no TextEncoder; this covers all of Unicode). */
export function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    const c = char.codePointAt(0) as number;
    if (c < 0x80) {
      out.push(c);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    } else {
      out.push(
        0xf0 | (c >> 18),
        0x80 | ((c >> 12) & 0x3f),
        0x80 | ((c >> 6) & 0x3f),
        0x80 | (c & 0x3f),
      );
    }
  }
  return Uint8Array.from(out);
}

/** Reads a shape from environment-style strings, with defaults and clear errors. */
export function shapeFromEnv(env: Record<string, string | undefined>): Shape {
  const read = (name: string, fallback: number) => {
    const text = env[name];
    if (text === undefined || text === "") {
      return fallback;
    }
    if (!/^\d+$/.test(text)) {
      throw new Error(`${name} must be a whole number, got "${text}"`);
    }
    return Number(text);
  };
  return {
    count: read("COUNT", defaultShape.count),
    accountsPerClient: read("ACCOUNTS_PER_CLIENT", defaultShape.accountsPerClient),
    filledStrings: read("FILLED_STRINGS", defaultShape.filledStrings),
  };
}

/** Checks a format name from the environment. */
export function parseFormat(text: string): Format {
  if ((formats as readonly string[]).includes(text)) {
    return text as Format;
  }
  throw new Error(`unknown format "${text}": use one of ${formats.join(", ")}`);
}

/** Checks a strategy name from the environment. */
export function parseStrategy(text: string): Strategy {
  if ((strategies as readonly string[]).includes(text)) {
    return text as Strategy;
  }
  throw new Error(`unknown strategy "${text}": use one of ${strategies.join(", ")}`);
}
