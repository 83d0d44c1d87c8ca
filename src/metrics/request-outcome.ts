import { Code } from "@connectrpc/connect";
import { codeFromHttpStatus, codeToString } from "@connectrpc/connect/protocol-connect";
import type { AnyResponse } from "../http/node-types.js";
import type { RequestFormat } from "./request-labels.js";

/** The largest error body or final frame kept to read an outcome from. */
const maxKeptBytes = 64 * 1024;

/**
 * Watches a response as it is written and tells, once it is done, the
 * protocol's own outcome, the `code` label of `loopstall_requests_total`:
 *
 * - gRPC: the `grpc-status` trailer (or header, for a trailers-only answer);
 * - gRPC-Web: the same, from the trailer frame at the end of the body;
 * - Connect unary: `ok` for HTTP 200, else the JSON error body's `code`;
 * - Connect streaming: the end-of-stream message's `error.code`, else `ok`;
 * - REST and anything else: the HTTP status, e.g. `200` or `404`.
 *
 * RPC outcomes are Connect's code names (`ok`, `invalid_argument`,
 * `unimplemented`, ...); a response cut off before it finished is `canceled`.
 */
export function watchOutcome(
  res: AnyResponse,
  format: RequestFormat,
  streaming: boolean,
): () => string {
  if (format === "rest-json" || format === "other") {
    return () => String(res.statusCode);
  }
  let grpcStatus: string | undefined;
  let last: Uint8Array | undefined;
  const errorBody: Uint8Array[] = [];
  let errorBytes = 0;
  const keep = (chunk: unknown) => {
    if (!(chunk instanceof Uint8Array) || chunk.byteLength === 0) {
      return;
    }
    last = chunk;
    if (res.statusCode !== 200 && errorBytes + chunk.byteLength <= maxKeptBytes) {
      errorBody.push(chunk);
      errorBytes += chunk.byteLength;
    }
  };
  const readStatus = (headers: unknown) => {
    if (headers !== null && typeof headers === "object") {
      const value = (headers as Record<string, unknown>)["grpc-status"];
      if (value !== undefined) {
        grpcStatus = String(value);
      }
    }
  };
  // Wrap the writers Connect's Node adapter uses (writeHead, write, end, addTrailers).
  const r = res as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ["writeHead", "write", "end", "addTrailers"] as const) {
    const original = r[name];
    if (typeof original !== "function") {
      continue;
    }
    r[name] = function (this: unknown, ...args: unknown[]) {
      if (name === "writeHead") {
        readStatus(args.find((a) => a !== null && typeof a === "object"));
      } else if (name === "addTrailers") {
        readStatus(args[0]);
      } else {
        keep(args[0]);
      }
      return original.apply(this, args);
    };
  }
  return () => {
    if (!res.writableFinished) {
      return codeToString(Code.Canceled);
    }
    if (format === "grpc" || format === "grpc-web") {
      const status =
        grpcStatus ??
        (format === "grpc-web" ? grpcWebTrailerStatus(last) : undefined) ??
        (res.getHeader("grpc-status") as string | undefined);
      if (status === undefined) {
        return res.statusCode === 200 ? "unknown" : rpcCodeName(codeFromHttpStatus(res.statusCode));
      }
      return rpcCodeName(Number(status));
    }
    if (streaming && res.statusCode === 200) {
      return connectEndStreamCode(last) ?? "ok";
    }
    if (res.statusCode === 200) {
      return "ok";
    }
    return connectErrorCode(errorBody) ?? rpcCodeName(codeFromHttpStatus(res.statusCode));
  };
}

/** Connect's name of a gRPC code number: 0 is `ok`, unknown numbers `unknown`. */
export function rpcCodeName(code: number): string {
  if (code === 0) {
    return "ok";
  }
  return Number.isInteger(code) && code > 0 && code <= 16 ? codeToString(code as Code) : "unknown";
}

/** The `grpc-status` of a gRPC-Web trailer frame (flag 0x80), if `chunk` is one. */
function grpcWebTrailerStatus(chunk: Uint8Array | undefined): string | undefined {
  if (chunk === undefined || chunk.byteLength < 5 || ((chunk[0] ?? 0) & 0x80) === 0) {
    return undefined;
  }
  const text = Buffer.from(chunk.buffer, chunk.byteOffset + 5, chunk.byteLength - 5).toString();
  return /(?:^|\r?\n)grpc-status:\s*(\d+)/i.exec(text)?.[1];
}

/** The error code of a Connect end-of-stream message (flag 0x02), if `chunk` holds one with an error. */
function connectEndStreamCode(chunk: Uint8Array | undefined): string | undefined {
  if (chunk === undefined || chunk.byteLength < 5 || ((chunk[0] ?? 0) & 0x02) === 0) {
    return undefined;
  }
  try {
    const text = Buffer.from(chunk.buffer, chunk.byteOffset + 5, chunk.byteLength - 5).toString();
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The `code` of a Connect unary error body `{"code": "...", "message": "..."}`. */
function connectErrorCode(chunks: Uint8Array[]): string | undefined {
  try {
    const code = (JSON.parse(Buffer.concat(chunks).toString()) as { code?: unknown }).code;
    return typeof code === "string" && /^[a-z_]{1,32}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}
