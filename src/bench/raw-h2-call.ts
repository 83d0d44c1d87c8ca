import { type ClientHttp2Session, constants } from "node:http2";

/** One HTTP/2 request as the bench sends it: no client-side decoding. */
export interface RawCall {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** What came back: the status, gRPC status if any, and the body size. */
export interface RawResult {
  status: number;
  grpcStatus: string | undefined;
  bytes: number;
}

/**
 * Sends `call` on `session` and counts the response bytes without keeping or
 * decoding them, so the load generator's own CPU stays small.
 */
export function rawH2Call(session: ClientHttp2Session, call: RawCall): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: call.method,
      [constants.HTTP2_HEADER_PATH]: call.path,
      ...call.headers,
    });
    let status = 0;
    let grpcStatus: string | undefined;
    let bytes = 0;
    stream.on("response", (headers) => {
      status = Number(headers[constants.HTTP2_HEADER_STATUS]);
      grpcStatus = headers["grpc-status"] as string | undefined;
    });
    stream.on("trailers", (trailers) => {
      grpcStatus = (trailers["grpc-status"] as string | undefined) ?? grpcStatus;
    });
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.byteLength;
    });
    stream.on("end", () => resolve({ status, grpcStatus, bytes }));
    stream.on("error", reject);
    stream.end(call.body);
  });
}
