/**
 * Turns a method descriptor and request messages into a {@link CallSpec}
 * for any RPC protocol: the bytes each protocol puts on the wire. Used by
 * `loopstall ghz` (gRPC) and by calls to a user's own service, whose
 * descriptors come from a .proto or a protoset at run time.
 */
import { type DescMethod, type MessageShape, toBinary, toJsonString } from "@bufbuild/protobuf";
import { envelope, utf8 } from "../contract/scenario.js";
import type { Format } from "../contract/wire.js";
import type { CallSpec } from "./call-spec.js";
import type { RawRequest } from "./raw-client.js";

/** The RPC protocols a user's service may be called with (`--protocol`). */
export const rpcProtocols = ["grpc", "grpc-web", "connect", "connect-json"] as const;

export type RpcProtocol = (typeof rpcProtocols)[number];

/** The wire format of each protocol. */
export const protocolFormat: Record<RpcProtocol, Format> = {
  grpc: "grpc",
  "grpc-web": "grpc-web",
  connect: "connect-proto",
  "connect-json": "connect-json",
};

export interface RpcSpecOptions {
  /** Deadline sent to the server (`grpc-timeout`, `connect-timeout-ms`), ms. Default none. */
  deadlineMs?: number;
  /** More request headers (metadata). */
  headers?: Record<string, string>;
}

/**
 * The spec of a unary or server-streaming call of `method`, one request per
 * message (sent round robin). Throws for client and bidi streaming methods.
 */
export function rpcCallSpec(
  protocol: RpcProtocol,
  method: DescMethod,
  messages: ReadonlyArray<MessageShape<DescMethod["input"]>>,
  options: RpcSpecOptions = {},
): CallSpec {
  if (method.methodKind !== "unary" && method.methodKind !== "server_streaming") {
    throw new Error(
      `${method.parent.typeName}/${method.name} is ${method.methodKind.replace("_", " ")}: only unary and server-streaming methods can be loaded`,
    );
  }
  const stream = method.methodKind === "server_streaming";
  const path = `/${method.parent.typeName}/${method.name}`;
  const format = protocolFormat[protocol];
  const headers: Record<string, string> = { ...options.headers };
  const deadline = options.deadlineMs;
  let enveloped = true;
  let encode: (message: MessageShape<DescMethod["input"]>) => Uint8Array;
  switch (protocol) {
    case "grpc":
      headers["content-type"] = "application/grpc+proto";
      headers.te = "trailers";
      if (deadline !== undefined) {
        headers["grpc-timeout"] = `${deadline}m`;
      }
      encode = (m) => envelope(toBinary(method.input, m));
      break;
    case "grpc-web":
      headers["content-type"] = "application/grpc-web+proto";
      headers["x-grpc-web"] = "1";
      if (deadline !== undefined) {
        headers["grpc-timeout"] = `${deadline}m`;
      }
      encode = (m) => envelope(toBinary(method.input, m));
      break;
    case "connect":
    case "connect-json": {
      const json = protocol === "connect-json";
      headers["connect-protocol-version"] = "1";
      headers["content-type"] = `application/${stream ? "connect+" : ""}${json ? "json" : "proto"}`;
      if (deadline !== undefined) {
        headers["connect-timeout-ms"] = String(deadline);
      }
      const bytes = (m: MessageShape<DescMethod["input"]>) =>
        json ? utf8(toJsonString(method.input, m)) : toBinary(method.input, m);
      encode = stream ? (m) => envelope(bytes(m)) : bytes;
      enveloped = stream;
      break;
    }
  }
  const requests: RawRequest[] = messages.map((m) => ({
    method: "POST",
    path,
    headers,
    body: encode(m),
  }));
  return {
    requests,
    shape: { format, enveloped },
    httpVersion: "2",
    label: `${protocol} ${path.slice(1)}`,
  };
}

/** The gRPC spec `loopstall ghz` sends. */
export function grpcCallSpec(
  method: DescMethod,
  messages: ReadonlyArray<MessageShape<DescMethod["input"]>>,
  deadlineMs: number | undefined,
): CallSpec {
  return rpcCallSpec("grpc", method, messages, deadlineMs === undefined ? {} : { deadlineMs });
}
